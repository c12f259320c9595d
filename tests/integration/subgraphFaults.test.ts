// A national database that fails or hangs: the field it feeds is null with UPSTREAM_UNAVAILABLE at its
// path, the rest of the response is served, and nothing of the upstream leaks into the error.
import { afterEach, describe, expect, it } from 'vitest';
import type { CachedRecord, RecordCache, RecordKind } from '../../lib/cache/types.ts';
import { sampleCitizenIds } from '../../mocks/data/samples.ts';
import { errorCodes } from '../support/internalTokens.ts';
import { type SourceStack, startSourceStack } from './subgraphStack.ts';

const [CACHED, UNCACHED] = sampleCitizenIds(2, 'faults');

/** A plain in-process RecordCache, enough to hold one record across an outage. */
function mapCache(): RecordCache {
  const map = new Map<string, CachedRecord>();
  const key = (kind: RecordKind, id: string) => `${kind.source}/${kind.entity}/${id}`;
  return {
    getMany: async <T>(kind: RecordKind, ids: readonly string[]) =>
      ids.map((id) => map.get(key(kind, id)) as CachedRecord<T> | undefined),
    setMany: async (kind, entries) => {
      for (const { id, record } of entries) map.set(key(kind, id), record);
    },
    evict: async (kind, ids) => {
      for (const id of ids) map.delete(key(kind, id));
    },
    [Symbol.asyncDispose]: async () => {},
  };
}

describe('upstream failures', () => {
  let stack: SourceStack | undefined;
  afterEach(async () => {
    await stack?.[Symbol.asyncDispose]();
    stack = undefined;
  });

  it('a 503 is UPSTREAM_UNAVAILABLE at its path while a cached citizen is still served', async () => {
    stack = await startSourceStack('population', { subgraph: { cache: mapCache() } });
    const warm = await stack.query(['population:read'], `{ citizen(id: "${CACHED}") { fullName } }`);
    const name = (warm.body.data?.['citizen'] as { fullName: string } | undefined)?.fullName;
    expect(name).toEqual(expect.any(String));
    stack.mock.setFaults({ errorRate: 1, errorStatus: 503 });
    const answer = await stack.query(
      ['population:read'],
      `{ a: citizen(id: "${CACHED}") { fullName } b: citizen(id: "${UNCACHED}") { fullName } }`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ a: { fullName: name }, b: null });
    expect(errorCodes(answer)).toEqual({ b: 'UPSTREAM_UNAVAILABLE' });
    const text = JSON.stringify(answer.body);
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('maLoi');
    expect(text).not.toContain(UNCACHED);
  });

  it('a hanging upstream is cut at UPSTREAM_TIMEOUT_MS and the rest is served', async () => {
    stack = await startSourceStack('results', { subgraph: { upstreamTimeoutMs: 200 } });
    stack.mock.setFaults({ timeoutRate: 1 });
    const answer = await stack.query(
      ['results:read'],
      '{ issuedResult(code: "KS-92-2025-004213") { code } verifyIssuedResult(attestation: "x.y") { valid reason } }',
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({
      issuedResult: null,
      verifyIssuedResult: { valid: false, reason: 'MALFORMED' },
    });
    expect(errorCodes(answer)).toEqual({ issuedResult: 'UPSTREAM_UNAVAILABLE' });
  });

  it('a refused connection is UPSTREAM_UNAVAILABLE, and one failing batch fails only its citizens', async () => {
    stack = await startSourceStack('population');
    const ids = sampleCitizenIds(3, 'down');
    await stack.mock.close();
    const answer = await stack.query(
      ['population:read'],
      'query($ids: [ID!]!) { citizens(ids: $ids) { id } }',
      {
        ids,
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ citizens: [null, null, null] });
    expect(Object.values(errorCodes(answer))).toEqual([
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_UNAVAILABLE',
    ]);
  });

  it('the subgraph stays ready (degraded) while its upstream is down', async () => {
    stack = await startSourceStack('insurance');
    await stack.mock.close();
    const response = await fetch(`${stack.subgraph.baseUrl}/readyz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { checks: { upstream: { ok: boolean; degraded: boolean } } };
    expect(body.checks.upstream).toMatchObject({ ok: false, degraded: true });
  });
});
