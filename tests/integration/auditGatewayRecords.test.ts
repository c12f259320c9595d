// Through the whole stack: every kind of request leaves exactly one audit record, with the right
// client, officer, purpose, fields, denials, sources and subjects — subjects also when the client never
// selected an id. The audit store is the embedded PGlite one, opened by the test so it can read it back.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../gateway/src/audit/createAuditStore.ts';
import type { AuditStore, StoredAuditRecord } from '../../gateway/src/audit/types.ts';
import { type SigningKey, toJwks } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { newKey } from '../support/audit/auditTestSupport.ts';
import { ALL_READS_PROCEDURE, type QueryOptions, type Stack, startStack } from '../support/stack.ts';
import { runNode } from './auditProcesses.ts';

const ALL_READS = 'population:read business:read insurance:read land:read results:read';
let dir: string;
let store: AuditStore;
let stack: Stack;
let key: SigningKey;
let closed = false;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-gw-'));
  key = await newKey('audit-gateway-records');
  store = await createAuditStore({
    dataDir: join(dir, 'audit'),
    checkpointKey: key,
    checkpointIntervalMs: 0,
    logger: silentLogger(),
  });
  stack = await startStack({ auditStore: store });
});
afterAll(async () => {
  if (!closed) {
    await stack?.[Symbol.asyncDispose]();
    await store?.[Symbol.asyncDispose]();
  }
  await rm(dir, { recursive: true, force: true });
});

/** Sends one request under a fresh request id and returns the answer with the records carrying that id. */
async function audited(query: string, variables: Record<string, unknown>, options: QueryOptions) {
  const answer = await stack.query(query, variables, options);
  // The gateway's own request id, which the record carries.
  const requestId = answer.headers.get('x-request-id');
  const records: StoredAuditRecord[] = [];
  for await (const record of store.exportRange(new Date(0), new Date(Date.now() + 60_000)))
    if (record.requestId === requestId) records.push(record);
  return { answer, records };
}

describe('one audit record per request, through the gateway', () => {
  it('records a served request: client, officer, purpose, fields, sources and subjects', async () => {
    const token = await stack.token(ALL_READS, { sub: 'ubnd-hanoi.motcua', officer: 'can-bo-0042' });
    const { answer, records } = await audited(
      'query Identity($id: ID!) { citizen(id: $id) { id fullName socialInsurance { code } } }',
      { id: FIXTURES.husband },
      { token, dossier: 'H01.10-251121-0001' },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(records).toHaveLength(1);
    const [record] = records as [StoredAuditRecord];
    expect(record).toMatchObject({
      clientId: 'ubnd-hanoi.motcua',
      officer: 'can-bo-0042',
      procedureCode: ALL_READS_PROCEDURE,
      dossierId: 'H01.10-251121-0001',
      operationName: 'Identity',
      outcome: 'ok',
      denied: [],
      subjects: [`Citizen:${FIXTURES.husband}`],
      sources: ['insurance', 'population'],
    });
    expect(record.fields).toEqual(
      expect.arrayContaining(['Query.citizen', 'Citizen.fullName', 'Citizen.socialInsurance']),
    );
    expect(record.operationHash).toMatch(/^[0-9a-f]{64}$/);
    // No field values: the citizen's name appears nowhere in the record.
    const name = (answer.body.data!['citizen'] as { fullName: string }).fullName;
    expect(JSON.stringify(record)).not.toContain(name);
  });

  it('knows the subject of a query that never selects the id, and strips the hidden key', async () => {
    const { answer, records } = await audited(
      'query($id: ID!) { citizen(id: $id) { fullName dateOfBirth } }',
      { id: FIXTURES.wife },
      { token: await stack.token(ALL_READS) },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(Object.keys(answer.body.data!['citizen'] as object).sort()).toEqual(['dateOfBirth', 'fullName']);
    expect(answer.text).not.toContain('__lt_');
    expect(records).toHaveLength(1);
    expect(records[0]!.subjects).toEqual([`Citizen:${FIXTURES.wife}`]);
    expect(records[0]!.fields).not.toContain('Citizen.id');
  });

  it('records every citizen of a citizens(ids:) batch, and none that was not found', async () => {
    const ids = [FIXTURES.husband, FIXTURES.notFound, ...FIXTURES.children];
    const { answer, records } = await audited(
      'query($ids: [ID!]!) { citizens(ids: $ids) { fullName } }',
      { ids },
      { token: await stack.token(ALL_READS) },
    );
    expect((answer.body.data!['citizens'] as unknown[])[1]).toBeNull();
    expect(records).toHaveLength(1);
    expect(records[0]!.subjects).toEqual(
      [FIXTURES.husband, ...FIXTURES.children].map((id) => `Citizen:${id}`).sort(),
    );
  });

  it("records nested enterprises and their representatives, and the land certificates' holders", async () => {
    const { answer, records } = await audited(
      `query($id: ID!) { citizen(id: $id) { fullName enterprises { name legalRepresentative { fullName } }
        landCertificates { parcels { __typename } } issuedResults { status } } }`,
      { id: FIXTURES.husband },
      { token: await stack.token(ALL_READS) },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(records).toHaveLength(1);
    const { subjects, sources } = records[0]!;
    expect(subjects).toContain(`Citizen:${FIXTURES.husband}`);
    expect(subjects).toContain(`Enterprise:${FIXTURES.enterprise}`);
    expect(subjects).toContain(`LandCertificate:${FIXTURES.landSerial}`);
    expect(subjects).toContain(`IssuedResult:${FIXTURES.landResult}`);
    expect(sources).toEqual(['business', 'land', 'population', 'results']);
  });

  it('records a partial answer with the field refused for lack of scope', async () => {
    const { answer, records } = await audited(
      'query($id: ID!) { citizen(id: $id) { fullName religion } }',
      { id: FIXTURES.husband },
      { token: await stack.token('population:read', { sub: 'ubnd-partial.motcua' }) },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      clientId: 'ubnd-partial.motcua',
      outcome: 'partial',
      denied: ['Citizen.religion'],
      subjects: [`Citizen:${FIXTURES.husband}`],
    });
    expect(records[0]!.fields).toContain('Citizen.fullName');
    expect(records[0]!.fields).not.toContain('Citizen.religion');
  });

  it('records a partial answer when one national database fails', async () => {
    stack.mocks.insurance.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      const { answer, records } = await audited(
        'query($id: ID!) { citizen(id: $id) { fullName socialInsurance { code } } }',
        { id: FIXTURES.husband },
        { token: await stack.token(ALL_READS) },
      );
      expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_UNAVAILABLE');
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        outcome: 'partial',
        sources: ['insurance', 'population'],
        subjects: [`Citizen:${FIXTURES.husband}`],
      });
    } finally {
      stack.mocks.insurance.setFaults({ errorRate: 0 });
    }
  });

  it('records a request refused for want of a purpose, with no subject and no source', async () => {
    const { answer, records } = await audited(
      'query($id: ID!) { citizen(id: $id) { fullName } }',
      { id: FIXTURES.husband },
      { token: await stack.token(ALL_READS, { sub: 'ubnd-nopurpose.motcua' }), procedure: null },
    );
    expect(answer.status).toBe(403);
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('PURPOSE_REQUIRED');
    expect(answer.body.data ?? null).toBeNull();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      clientId: 'ubnd-nopurpose.motcua',
      outcome: 'denied',
      procedureCode: null,
      subjects: [],
      sources: [],
    });
  });

  it('records a request whose every field is denied, without calling a source', async () => {
    stack.resetUpstreamCounts();
    const { answer, records } = await audited(
      'query($id: ID!) { citizen(id: $id) { fullName } }',
      { id: FIXTURES.husband },
      { token: await stack.token('business:read', { sub: 'ubnd-denied.motcua' }) },
    );
    expect(answer.body.errors?.every((e) => e.extensions?.['code'] === 'FORBIDDEN')).toBe(true);
    expect(answer.body.data?.['citizen'] ?? null).toBeNull();
    expect(Object.values(stack.upstreamRequests()).reduce((a, b) => a + b, 0)).toBe(0);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      clientId: 'ubnd-denied.motcua',
      outcome: 'denied',
      fields: [],
      denied: ['Query.citizen'],
      subjects: [],
      sources: [],
    });
  });

  it('records the subject when only sensitive fields are denied: the answer still shows the citizen exists', async () => {
    const { answer, records } = await audited(
      'query($id: ID!) { citizen(id: $id) { religion ethnicity } }',
      { id: FIXTURES.husband },
      { token: await stack.token('population:read') },
    );
    expect(answer.body.errors?.every((e) => e.extensions?.['code'] === 'FORBIDDEN')).toBe(true);
    expect(answer.body.data?.['citizen']).toEqual({ religion: null, ethnicity: null });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      outcome: 'partial',
      fields: ['Query.citizen'],
      denied: ['Citizen.ethnicity', 'Citizen.religion'],
      subjects: [`Citizen:${FIXTURES.husband}`],
      sources: ['population'],
    });
  });

  it('records an error answer', async () => {
    const { answer, records } = await audited(
      'query($id: ID!) { citizen(id: $id) { fullName } }',
      { id: FIXTURES.malformedCitizenId },
      { token: await stack.token(ALL_READS) },
    );
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'error', subjects: [] });
  });

  it("keeps the token's jti, so a misused token's accesses can be listed", async () => {
    const token = await stack.token(ALL_READS, { jti: 'tok-7f3a9c' });
    const { records } = await audited(
      'query($id: ID!) { citizen(id: $id) { fullName } }',
      { id: FIXTURES.wife },
      { token },
    );
    expect(records).toHaveLength(1);
    expect(records[0]?.tokenId).toBe('tok-7f3a9c');
    expect(await store.verify()).toMatchObject({ ok: true });
  });

  it('attack: __typename beside a protected field does not make the request look like introspection', async () => {
    const { answer, records } = await audited(
      '{ __typename citizen(id: "' + FIXTURES.husband + '") { fullName } }',
      {},
      { token: await stack.token(ALL_READS) },
    );
    expect(answer.body.data?.['citizen']).toMatchObject({ fullName: expect.any(String) });
    expect(records).toHaveLength(1);
    expect(records[0]?.subjects).toContain(`Citizen:${FIXTURES.husband}`);
  });

  it("attack: a client's X-Request-Id cannot name, repeat or collide audit records", async () => {
    const token = await stack.token(ALL_READS);
    const chosen = 'client-chosen-0042';
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const answer = await stack.query(
        'query($id: ID!) { citizen(id: $id) { fullName } }',
        { id: FIXTURES.husband },
        { token, headers: { 'x-request-id': chosen } },
      );
      ids.push(answer.headers.get('x-request-id') ?? '');
    }
    expect(ids[0]).not.toBe(chosen);
    expect(new Set(ids).size).toBe(2);
    const records: StoredAuditRecord[] = [];
    for await (const record of store.exportRange(new Date(0), new Date(Date.now() + 60_000)))
      if (ids.includes(record.requestId) || record.requestId === chosen) records.push(record);
    expect(records.map((r) => r.requestId).sort()).toEqual([...ids].sort());
  });

  it('refuses an unauthenticated request before the audit: no record, since no client is known', async () => {
    const before = await countRecords();
    const answer = await stack.query(
      'query($id: ID!) { citizen(id: $id) { fullName } }',
      { id: FIXTURES.husband },
      { token: null, headers: { 'x-request-id': 'client-chosen-0001' } },
    );
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(await countRecords()).toBe(before);
  });

  it('leaves a log that `npm run audit:verify` passes once the gateway has stopped', async () => {
    const records = await countRecords();
    expect((await store.verify()).ok).toBe(true);
    // PGlite locks its directory: the tool runs on the embedded store once the gateway is stopped.
    await stack[Symbol.asyncDispose]();
    await store[Symbol.asyncDispose]();
    closed = true;
    const jwksFile = join(dir, 'audit.jwks.json');
    await writeFile(jwksFile, JSON.stringify(toJwks([key.publicJwk])));
    const verify = await runNode([
      'scripts/auditVerify.ts',
      '--jwks',
      jwksFile,
      '--data-dir',
      join(dir, 'audit'),
    ]);
    expect(verify.stdout).toBe(`audit log intact: ${records} records, 1 checkpoints\n`);
    expect(verify.code).toBe(0);
  });
});

async function countRecords(): Promise<number> {
  let count = 0;
  for await (const _ of store.exportRange(new Date(0), new Date(Date.now() + 60_000))) count += 1;
  return count;
}
