// The gateway starts and serves while a subgraph is unreachable and a national database is down, and
// its /readyz reports each dependency: the audit store decides readiness, subgraphs are reported as
// degraded without taking the gateway out of service.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;
let token: string;

/** A loopback URL on which nothing listens: a port taken from the OS, then released. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/graphql`;
}

beforeAll(async () => {
  stack = await startStack({ subgraphUrls: { land: await deadUrl() }, upstreamTimeoutMs: 300 });
  await stack.mocks.business.close();
  token = await stack.token('population:read business:read land:read');
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
});

interface Readiness {
  status: string;
  checks: Record<string, { ok: boolean; degraded?: boolean; detail?: string }>;
}

describe('a gateway with a subgraph and a national database down', () => {
  it('is ready, and reports each dependency', async () => {
    const response = await fetch(`${stack.gateway.url}/readyz`);
    const body = (await response.json()) as Readiness;
    expect(response.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks['audit']?.ok).toBe(true);
    expect(body.checks['subgraph:population']).toEqual({ ok: true, detail: 'ready' });
    expect(body.checks['subgraph:land']).toEqual({ ok: false, degraded: true, detail: 'unreachable' });
    // The business subgraph answers, but its national database does not.
    expect(body.checks['subgraph:business']).toEqual({ ok: false, degraded: true, detail: 'degraded' });
    expect(
      Object.keys(body.checks)
        .filter((name) => name.startsWith('subgraph:'))
        .sort(),
    ).toEqual([
      'subgraph:business',
      'subgraph:insurance',
      'subgraph:land',
      'subgraph:population',
      'subgraph:results',
    ]);
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  });

  it('serves what is up, with UPSTREAM_UNAVAILABLE where a subgraph or a source is down', async () => {
    const answer = await stack.query(
      `query($id: ID!, $code: ID!, $serial: String!) {
        citizen(id: $id) { fullName } enterprise(code: $code) { name } landCertificate(serial: $serial) { serial } }`,
      { id: FIXTURES.husband, code: FIXTURES.enterprise, serial: FIXTURES.landSerial },
      { token },
    );
    expect(answer.status).toBe(200);
    expect((answer.body.data?.['citizen'] as Record<string, unknown> | undefined)?.['fullName']).toBeTruthy();
    expect(answer.body.data?.['enterprise']).toBeNull();
    expect(answer.body.data?.['landCertificate']).toBeNull();
    const codes = Object.fromEntries(
      (answer.body.errors ?? []).map((e) => [e.path?.[0], e.extensions?.['code']]),
    );
    expect(codes).toEqual({ enterprise: 'UPSTREAM_UNAVAILABLE', landCertificate: 'UPSTREAM_UNAVAILABLE' });
    expect(answer.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
  });
});
