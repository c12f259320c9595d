// Fail closed through the gateway: with its audit database (a PostgreSQL of the test's own, given as
// DATABASE_URL) stopped, data requests get AUDIT_UNAVAILABLE (503) and not a byte of data, the gateway
// reports itself unready; once the database is back, requests are served and audited again.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type OwnPostgres, startOwnPostgres } from '../support/ownPostgres.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { runNode } from './auditProcesses.ts';

const QUERY = 'query($id: ID!) { citizen(id: $id) { fullName dateOfBirth } }';
let server: OwnPostgres;
let stack: Stack;
let token: string;

beforeAll(async () => {
  server = await startOwnPostgres();
  // The default 5 s append timeout would also do; shorter keeps a stalled outage from slowing the test.
  stack = await startStack({ gatewayEnv: { DATABASE_URL: server.url, AUDIT_APPEND_TIMEOUT_MS: '2000' } });
  token = await stack.token('population:read audit:read');
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  await server?.[Symbol.asyncDispose]();
});

it('serves no data while the audit database is down, and recovers when it returns', async () => {
  const before = await stack.query(QUERY, { id: FIXTURES.husband }, { token });
  expect(before.status).toBe(200);
  const fullName = (before.body.data!['citizen'] as { fullName: string }).fullName;

  await server.stop();
  try {
    for (const id of [FIXTURES.husband, FIXTURES.wife]) {
      const during = await stack.query(QUERY, { id }, { token });
      expect(during.status).toBe(503);
      expect(during.body.errors?.map((e) => e.extensions?.['code'])).toEqual(['AUDIT_UNAVAILABLE']);
      expect(during.body.data ?? null).toBeNull();
      expect(during.text).not.toContain(fullName);
      expect(during.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      // Nothing is attested either: there is no data to vouch for.
      expect(during.headers.get('x-lienthong-attestation')).toBeNull();
    }
    const ready = await fetch(`${stack.gateway.url}/readyz`);
    expect(ready.status).toBe(503);
    await ready.body?.cancel();
  } finally {
    await server.start();
  }

  const after = await stack.query(QUERY, { id: FIXTURES.husband }, { token });
  expect(after.status).toBe(200);
  expect((after.body.data!['citizen'] as { fullName: string }).fullName).toBe(fullName);
  const events = await stack.query(
    '{ auditEvents(filter: { subject: "092080033642" }) { edges { node { outcome } } } }',
    {},
    { token, procedure: null, dossier: null },
  );
  // The two served requests, and neither refused one: their records were never committed.
  expect((events.body.data!['auditEvents'] as { edges: unknown[] }).edges).toHaveLength(2);
});

it('leaves a log that audit:verify passes after the outage', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-outage-'));
  try {
    const jwksFile = join(dir, 'audit.jwks.json');
    await writeFile(jwksFile, JSON.stringify(stack.gatewayJwks));
    const verify = await runNode(['scripts/auditVerify.ts', '--jwks', jwksFile], {
      DATABASE_URL: server.url,
    });
    expect(verify.stdout).toMatch(/^audit log intact: \d+ records/);
    expect(verify.code).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
