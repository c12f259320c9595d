// The results subgraph against the real registry mock: issued results of a subject with filters, and
// attestations checked against the registry's published keys.
import { CompactSign } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk, signingKeyFromJwk } from '../../lib/keys.ts';
import { sampleCitizenIds } from '../../mocks/data/samples.ts';
import { type SourceStack, startSourceStack } from './subgraphStack.ts';

interface Result {
  code: string;
  procedureCode: string;
  status: string;
  issuedAt: string;
  attestation: string;
}

const VERIFY =
  'query($a: String!) { verifyIssuedResult(attestation: $a) { valid reason keyId claims { code subjectKind subjectId } currentStatus result { code } } }';

async function upstreamRequestsMetric(stack: SourceStack): Promise<number> {
  const text = await (await fetch(`${stack.subgraph.baseUrl}/metrics`)).text();
  const match = /^lienthong_upstream_requests_total\{[^}]*source="results"[^}]*\} (\d+)$/m.exec(text);
  return Number(match?.[1] ?? 0);
}

describe('results subgraph', () => {
  let stack: SourceStack;
  let results: Result[];

  beforeAll(async () => {
    stack = await startSourceStack('results');
    const answer = await stack.query(
      ['results:read'],
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { issuedResults { code procedureCode status issuedAt attestation } } } }',
      { r: sampleCitizenIds(100, 'results').map((id) => ({ __typename: 'Citizen', id })) },
    );
    results = ((answer.body.data?.['_entities'] ?? []) as { issuedResults: Result[] }[]).flatMap(
      (c) => c.issuedResults,
    );
    expect(results.length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await stack[Symbol.asyncDispose]();
  });

  it('reads one result by code', async () => {
    const [first] = results;
    const answer = await stack.query(
      ['results:read'],
      `{ issuedResult(code: "${first!.code}") { code status subject { kind } } }`,
    );
    expect(answer.body.data?.['issuedResult']).toMatchObject({ code: first!.code, status: first!.status });
  });

  it('filters a subject’s results by procedure and status, and refuses a malformed filter', async () => {
    const [first] = results;
    const answer = await stack.query(
      ['results:read'],
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { issuedResults(procedureCode: "${first!.procedureCode}", status: "REVOKED") { code } all: issuedResults(procedureCode: "9.999999") { code } } } }`,
      { r: [{ __typename: 'Citizen', id: sampleCitizenIds(1)[0] }] },
    );
    expect(answer.body.errors).toBeUndefined();
    const bad = await stack.query(
      ['results:read'],
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { issuedResults(status: "valid") { code } } } }',
      { r: [{ __typename: 'Citizen', id: sampleCitizenIds(1)[0] }] },
    );
    expect(bad.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('verifies a genuine attestation and reports the current status', async () => {
    const [first] = results;
    const answer = await stack.query(['results:read'], VERIFY, { a: first!.attestation });
    expect(answer.body.data?.['verifyIssuedResult']).toMatchObject({
      valid: true,
      reason: null,
      keyId: expect.any(String),
      claims: { code: first!.code, subjectKind: 'CITIZEN' },
      currentStatus: first!.status,
      result: { code: first!.code },
    });
  });

  it('attack: a tampered payload is BAD_SIGNATURE', async () => {
    const [header, payload, signature] = results[0]!.attestation.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(
      JSON.stringify({ ...claims, trangThai: 'CON_HIEU_LUC', maBamTaiLieu: '0'.repeat(64) }),
    ).toString('base64url');
    const answer = await stack.query(['results:read'], VERIFY, { a: `${header}.${forged}.${signature}` });
    expect(answer.body.data?.['verifyIssuedResult']).toMatchObject({
      valid: false,
      reason: 'BAD_SIGNATURE',
      claims: null,
    });
  });

  it('attack: a token signed by another key is UNKNOWN_KEY, and unknown kids re-fetch the keys at most once per cooldown', async () => {
    const rogue = await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'rogue-kid'));
    const payload = new TextEncoder().encode(JSON.stringify({ maKetQua: results[0]!.code }));
    const token = await new CompactSign(payload)
      .setProtectedHeader({ alg: 'EdDSA', kid: 'rogue-kid' })
      .sign(rogue.privateKey);
    const before = await upstreamRequestsMetric(stack);
    for (let i = 0; i < 3; i++) {
      const answer = await stack.query(['results:read'], VERIFY, { a: token });
      expect(answer.body.data?.['verifyIssuedResult']).toMatchObject({
        valid: false,
        reason: 'UNKNOWN_KEY',
        keyId: 'rogue-kid',
      });
    }
    // The keys are not /api/ routes, so the mock does not count them: the subgraph's own counter does.
    expect((await upstreamRequestsMetric(stack)) - before).toBeLessThanOrEqual(1);
  });

  it.each([
    ['', 'MALFORMED'],
    ['garbage', 'MALFORMED'],
    ['a.b.c', 'MALFORMED'],
    ['eyJhbGciOiJub25lIn0.e30.', 'ALGORITHM_NOT_ALLOWED'],
    [`${'x'.repeat(20_000)}.a.b`, 'MALFORMED'],
  ])('garbage %# is a clear invalid answer, not an error', async (attestation, reason) => {
    const answer = await stack.query(['results:read'], VERIFY, { a: attestation });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.['verifyIssuedResult']).toMatchObject({ valid: false, reason });
  });
});
