// The "verified in the log" mark on the citizen's page (/cong-dan/), written as the insider's attack it
// must stand: records covered by a signed checkpoint are marked verified (checked by the page's own
// code against the published audit key), a record newer than the latest checkpoint is marked as
// waiting for the next one, and a row edited in the database after its checkpoint — its procedure or
// its time, as someone with write access to the audit tables would — is marked "not verified" while
// the others stay verified. A checkpoint signed after the edit does not launder it. Client systems
// are named from the client registry (CLIENTS_FILE), with their id on hover.
// Checkpoints are taken by the test (checkpointIfBehind), never by a timer, so nothing hangs on timing.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteSignerOf } from '../../gateway/src/audit/checkpoint.ts';
import { auditStoreOn } from '../../gateway/src/audit/createAuditStore.ts';
import { migrate } from '../../gateway/src/audit/migrations.ts';
import { openPostgresDatabase } from '../../gateway/src/audit/postgresDatabase.ts';
import type { SqlDatabase } from '../../gateway/src/audit/sqlDatabase.ts';
import type { AuditRecordInput, AuditStore } from '../../gateway/src/audit/types.ts';
import { checkpointIfBehind } from '../../gateway/src/audit/writeBatch.ts';
import { generateSigningJwk, type SigningKey, signingKeyFromJwk } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { createTestDatabase, type TestDatabase } from './auditPostgres.ts';

const CIVIL_STATUS = 'so-tuphap-cantho.motcua';
const INSURANCE = 'bhxh-cantho.motcua';
const UNNAMED = 'ubnd-cantho.motcua';

let dir: string;
let database: TestDatabase;
let db: SqlDatabase;
let key: SigningKey;
let store: AuditStore;
let stack: Stack;
let origin: string;
let cookie: string;
const logLines: string[] = [];

interface Card {
  readonly dossier: string | undefined;
  readonly purpose: string;
  /** verified, pending or failed. */
  readonly mark: string | undefined;
  readonly detail: string | undefined;
  readonly agency: string;
}

/** The cards of a citizen's page (the husband's by default), newest first, as the page renders them. */
async function cards(session = cookie): Promise<Card[]> {
  const response = await fetch(`${origin}/cong-dan/`, { redirect: 'manual', headers: { cookie: session } });
  expect(response.status).toBe(200);
  const text = await response.text();
  return text
    .split('<li class="access">')
    .slice(1)
    .map((card) => ({
      dossier: /<span class="dossier">([^<]+)<\/span>/.exec(card)?.[1],
      purpose: /<dd class="purpose">([^(<]+)/.exec(card)?.[1]?.trim() ?? '',
      mark: /class="inclusion inclusion-(\w+)/.exec(card)?.[1],
      detail: /<small class="inclusion-detail[^"]*">([^<]+)<\/small>/.exec(card)?.[1],
      agency: /<dd class="agency">(.*?)<\/dd>/.exec(card)?.[1] ?? '',
    }));
}

const marksByDossier = (list: readonly Card[]) =>
  Object.fromEntries(list.map((card) => [card.dossier, card.mark]));

/** Signs a checkpoint over the head; true when one was due. */
const checkpoint = async () =>
  (await checkpointIfBehind(db, {
    signer: noteSignerOf(key),
    origin: 'lienthong/audit',
    now: () => new Date(),
  })) !== undefined;

async function read(sub: string, citizen: string, procedure: string, dossier: string) {
  const token = await stack.token('population:read', { sub, officer: 'Lê Văn Cán Bộ' });
  const answer = await stack.query(
    'query($id: ID!) { citizen(id: $id) { fullName dateOfBirth } }',
    { id: citizen },
    { token, procedure, dossier },
  );
  expect(answer.body.errors).toBeUndefined();
}

/** A citizen's session cookie on /cong-dan/. */
async function signIn(citizen: string): Promise<string> {
  const login = await fetch(`${origin}/cong-dan/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ token: await stack.token('citizen:self', { sub: citizen }) }),
  });
  expect(login.status).toBe(303);
  return (login.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** Records of other people's data, written straight to the store. */
async function others(count: number) {
  for (let i = 0; i < count; i++) {
    await store.append(
      lookup({
        requestId: `other-${i}`,
        clientId: INSURANCE,
        dossierId: 'H92.31-251121-7000',
        subjects: ['Enterprise:0312345678'],
      }),
    );
  }
}

function lookup(overrides: Partial<AuditRecordInput>): AuditRecordInput {
  return {
    requestId: 'lookup',
    clientId: UNNAMED,
    officer: null,
    procedureCode: '1.000894',
    dossierId: null,
    operationName: 'Lookup',
    operationHash: 'b'.repeat(64),
    fields: ['Citizen.fullName'],
    denied: [],
    subjects: [],
    sources: ['population'],
    outcome: 'ok',
    durationMs: 1,
    ...overrides,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-citizen-log-'));
  database = await createTestDatabase();
  db = openPostgresDatabase(database.url);
  await migrate(db);
  // The gateway publishes this key in its JWKS; the store signs its checkpoints with it.
  const jwk = await generateSigningJwk('EdDSA', 'citizen-log-audit');
  key = await signingKeyFromJwk(jwk);
  const keyFile = join(dir, 'audit.jwk.json');
  await writeFile(keyFile, JSON.stringify(jwk));
  store = auditStoreOn(db, {
    checkpointKey: key,
    checkpointEvery: 0,
    checkpointIntervalMs: 0,
    logger: silentLogger(),
  });
  const clientsFile = join(dir, 'clients.json');
  const client = (clientId: string, name: string, procedures: string[]) => ({
    clientId,
    name,
    agencies: [],
    levels: [],
    procedures,
  });
  await writeFile(
    clientsFile,
    JSON.stringify([
      client(CIVIL_STATUS, 'Sở Tư pháp Cần Thơ (một cửa)', ['1.000894']),
      client(INSURANCE, 'Bảo hiểm xã hội Cần Thơ (một cửa)', ['1.000052']),
    ]),
  );
  stack = await startStack({
    auditStore: store,
    gatewayEnv: { AUDIT_KEY_FILE: keyFile, CLIENTS_FILE: clientsFile },
    gatewayLogger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
  });
  origin = stack.gateway.url;
  // A busy log: the husband's records lie in different blocks of 16 leaves, as they would among
  // everyone else's (see the note in the edit attack below). Record 1 and records 17–18 are the
  // husband's and his wife's, the rest other people's; a checkpoint of 32; record 33 after it.
  await read(CIVIL_STATUS, FIXTURES.husband, '1.000894', 'H92.31-251121-6001');
  await others(15);
  await read(INSURANCE, FIXTURES.husband, '1.000052', 'H92.31-251121-6002');
  await read(INSURANCE, FIXTURES.wife, '1.000052', 'H92.31-251121-6003');
  await others(14);
  expect(await checkpoint()).toBe(true);
  await read(CIVIL_STATUS, FIXTURES.husband, '1.000894', 'H92.31-251121-6004');
  const { rows } = await db.query('SELECT max(seq) AS seq FROM audit_records');
  expect(Number(rows[0]!['seq'])).toBe(33);
  cookie = await signIn(FIXTURES.husband);
});

afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  // The store closes its database.
  await store?.[Symbol.asyncDispose]();
  await database?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

describe("the citizen's page marks each record against the signed log", () => {
  it('marks the records a checkpoint covers as verified, with the checkpoint, and the newer one as pending', async () => {
    const list = await cards();
    expect(list.map((c) => c.dossier)).toEqual([
      'H92.31-251121-6004',
      'H92.31-251121-6002',
      'H92.31-251121-6001',
    ]);
    expect(marksByDossier(list)).toEqual({
      'H92.31-251121-6004': 'pending',
      'H92.31-251121-6002': 'verified',
      'H92.31-251121-6001': 'verified',
    });
    expect(list[1]!.detail).toMatch(
      /^theo điểm kiểm tra có chữ ký gồm 32 bản ghi, lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/,
    );
    expect(list[0]!.detail).toContain('mới hơn điểm kiểm tra có chữ ký gần nhất');
  });

  it('names client systems from the client registry, the id on hover, and an unlisted one by its id', async () => {
    const list = await cards();
    expect(list[0]!.agency).toBe(
      `<span class="client" title="${CIVIL_STATUS}">Sở Tư pháp Cần Thơ (một cửa)</span>`,
    );
    expect(list[1]!.agency).toBe(
      `<span class="client" title="${INSURANCE}">Bảo hiểm xã hội Cần Thơ (một cửa)</span>`,
    );
    // A client the registry does not list (it could only have been recorded before it was removed).
    await store.append(
      lookup({
        requestId: 'unlisted-client',
        dossierId: 'H92.31-251121-6005',
        subjects: [`Citizen:${FIXTURES.husband}`],
      }),
    );
    const after = await cards();
    expect(after[0]).toMatchObject({ dossier: 'H92.31-251121-6005', mark: 'pending' });
    expect(after[0]!.agency).toBe(`<span class="client">${UNNAMED}</span>`);
  });

  it('ATTACK: a procedure edited in the database after its checkpoint shows "not verified" for that record alone', async () => {
    await db.query(
      "UPDATE audit_records SET procedure_code = '1.000052' WHERE dossier_id = 'H92.31-251121-6001'",
    );
    logLines.length = 0;
    const list = await cards();
    expect(marksByDossier(list)).toMatchObject({
      'H92.31-251121-6004': 'pending',
      'H92.31-251121-6002': 'verified',
      'H92.31-251121-6001': 'failed',
    });
    const edited = list.find((c) => c.dossier === 'H92.31-251121-6001')!;
    // The page shows the edited row as the database has it, marked so nobody takes it for the log's.
    expect(edited.purpose).toBe('Cấp lại thẻ bảo hiểm y tế');
    expect(edited.detail).toContain('không được chứng minh là nằm trong sổ nhật ký đã ký');
    // The failure is logged by record number alone: no citizen id, no dossier.
    const warned = logLines
      .map((line) => JSON.parse(line))
      .filter((l) => l.msg === 'audit record not verified in the log');
    expect(warned).toEqual([expect.objectContaining({ seq: 1, reason: expect.any(String) })]);
    expect(logLines.join('\n')).not.toContain(FIXTURES.husband);
    expect(logLines.join('\n')).not.toContain('H92.31-251121-6001');
  });

  it('ATTACK: a time moved in the database after its checkpoint shows "not verified" for that record too', async () => {
    const wife = await signIn(FIXTURES.wife);
    expect(marksByDossier(await cards(wife))).toEqual({ 'H92.31-251121-6003': 'verified' });
    // The insider moves the time in the record and in its subject index rows alike (the page finds a
    // citizen's records through that index), by a millisecond, the precision the log keeps: any change
    // of a signed member will do, and the row stays in its month's partition (or moves into the next
    // month's, which the store creates ahead).
    await db.query(
      `WITH moved AS (
         UPDATE audit_records SET at = at + interval '1 millisecond'
         WHERE dossier_id = 'H92.31-251121-6002' RETURNING seq, at)
       UPDATE audit_subjects s SET at = moved.at FROM moved WHERE s.seq = moved.seq`,
    );
    expect(marksByDossier(await cards())).toMatchObject({
      'H92.31-251121-6004': 'pending',
      'H92.31-251121-6002': 'failed',
      'H92.31-251121-6001': 'failed',
    });
    // The wife's record shares the edited row's block of 16: its proof is rebuilt from that row too,
    // so it cannot be verified any more either — it is never shown as verified.
    expect(marksByDossier(await cards(wife))).toEqual({ 'H92.31-251121-6003': 'failed' });
  });

  it('ATTACK: a checkpoint signed after the edits does not launder them; the pending record becomes verified', async () => {
    expect(await checkpoint()).toBe(true);
    const list = await cards();
    expect(marksByDossier(list)).toEqual({
      'H92.31-251121-6005': 'verified',
      'H92.31-251121-6004': 'verified',
      'H92.31-251121-6002': 'failed',
      'H92.31-251121-6001': 'failed',
    });
  });

  it("the admin pages' subject timeline carries the same marks, checked the same way", async () => {
    const login = await fetch(`${origin}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({ token: await stack.token('audit:read', { sub: 'thanh-tra.admin' }) }),
    });
    expect(login.status).toBe(303);
    const admin = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const response = await fetch(`${origin}/admin/timeline?subject=Citizen:${FIXTURES.husband}`, {
      headers: { cookie: admin },
    });
    expect(response.status).toBe(200);
    const items = (await response.text()).split('<li>').slice(1);
    const marks = Object.fromEntries(
      items.map((item) => [
        /H92\.31-251121-\d{4}/.exec(item)?.[0],
        /class="inclusion inclusion-(\w+)/.exec(item)?.[1],
      ]),
    );
    expect(marks).toEqual({
      'H92.31-251121-6005': 'verified',
      'H92.31-251121-6004': 'verified',
      'H92.31-251121-6002': 'failed',
      'H92.31-251121-6001': 'failed',
    });
  });

  it('ATTACK: a later checkpoint signed with another key under the same name marks every record not verified', async () => {
    const forger = await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'citizen-log-audit'));
    // Reading the page appended a record since the last checkpoint: the forged one covers it all.
    expect(
      await checkpointIfBehind(db, {
        signer: noteSignerOf(forger),
        origin: 'lienthong/audit',
        now: () => new Date(),
      }),
    ).toBeGreaterThan(0);
    const list = await cards();
    expect(list).toHaveLength(4);
    expect(list.map((c) => c.mark)).toEqual(['failed', 'failed', 'failed', 'failed']);
  });
});
