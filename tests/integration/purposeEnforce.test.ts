// Purpose proven, not declared (DESIGN.md "Purpose"), through the gateway over real HTTP, with the
// one-stop system's dossiers looked up in the onestop mock. Each attack is a client naming a purpose it
// does not have: an invented dossier, another agency's, a cancelled one, one of another procedure, a
// citizen the dossier does not name. Each asserts what the client must not get and that nothing was
// fetched for it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../gateway/src/audit/createAuditStore.ts';
import type { AuditStore } from '../../gateway/src/audit/types.ts';
import { generateSigningJwk, signingKeyFromJwk } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';
import { createMock, type MockServer } from '../../mocks/createMock.ts';
import { sampleCitizenIds } from '../../mocks/data/samples.ts';
import { DOSSIER_IDS, FIXTURE_AGENCIES, fixtureDossiers } from '../../mocks/dossierFixtures.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Answer, type Stack, startStack } from '../support/stack.ts';

const API_KEY = 'purpose-enforce-test-key';
const LOOKUP_ROUTE = 'GET /api/v1/ho-so/{maHoSo}';
const CLIENT = 'ubnd-cantho.motcua';
const EXAMPLE = fixtureDossiers().find((d) => d.maHoSo === DOSSIER_IDS.example)!;
const BIRTH = fixtureDossiers().find((d) => d.maHoSo === DOSSIER_IDS.birthRegistration)!;
const OTHER_AGENCY = fixtureDossiers().find((d) => d.maHoSo === DOSSIER_IDS.otherAgency)!;
const CANCELLED = fixtureDossiers().find((d) => d.maHoSo === DOSSIER_IDS.cancelled)!;
const STRANGER = sampleCitizenIds(1, 'purpose-stranger')[0] as string;

let dir: string;
let onestop: MockServer;
let store: AuditStore;
let stack: Stack;
let token: string;
let serial = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-purpose-'));
  onestop = await createMock({ source: 'onestop', apiKey: API_KEY });
  const clientsFile = join(dir, 'clients.json');
  await writeFile(
    clientsFile,
    JSON.stringify([
      {
        clientId: CLIENT,
        name: 'Hệ thống một cửa UBND TP. Cần Thơ',
        agencies: [
          FIXTURE_AGENCIES.canThoCommune,
          FIXTURE_AGENCIES.canThoBusiness,
          FIXTURE_AGENCIES.canThoLand,
        ],
        levels: ['commune', 'province'],
        procedures: [],
      },
    ]),
  );
  store = await createAuditStore({
    dataDir: join(dir, 'audit'),
    checkpointKey: await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'purpose-audit')),
    logger: silentLogger(),
  });
  stack = await startStack({
    auditStore: store,
    countSubgraphRequests: true,
    gatewayEnv: {
      PURPOSE_VERIFICATION: 'enforce',
      ONESTOP_URL: onestop.url,
      ONESTOP_API_KEY: API_KEY,
      CLIENTS_FILE: clientsFile,
      CLIENT_MAX_CONCURRENT_REQUESTS: '200',
    },
  });
  token = await stack.token('population:read business:read insurance:read land:read results:read', {
    sub: CLIENT,
    agency: FIXTURE_AGENCIES.canThoCommune,
  });
});

afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  await store?.[Symbol.asyncDispose]();
  await onestop?.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  onestop.setFaults({ delayMs: 0, jitterMs: 0, errorRate: 0, timeoutRate: 0 });
  stack.resetUpstreamCounts();
});

const PROFILE = 'query($id: ID!) { citizen(id: $id) { fullName dateOfBirth } }';
const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.['code'];
const nothingFetched = () => Object.values(stack.subgraphRequests()).every((n) => n === 0);
const lookups = () => onestop.stats().byRoute[LOOKUP_ROUTE] ?? 0;

/** A new open dossier of the example's procedure, received by the family's commune, naming `subjects`. */
async function newDossier(subjects: readonly string[], maTTHC = EXAMPLE.maTTHC): Promise<string> {
  serial += 1;
  const maHoSo = `H92.31-261201-${String(9000 + serial).padStart(4, '0')}`;
  const response = await fetch(`${onestop.url}/api/v1/ho-so`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      ...EXAMPLE,
      maHoSo,
      maTTHC,
      trangThai: 'DA_TIEP_NHAN',
      chuHoSo: { loai: 'CONG_DAN', ma: subjects[0] },
      doiTuongLienQuan: subjects.slice(1).map((ma) => ({ loai: 'CONG_DAN', ma })),
    }),
  });
  expect(response.status).toBe(201);
  return maHoSo;
}

async function deniedRecords(dossierId: string): Promise<number> {
  let count = 0;
  for await (const record of store.exportRange(new Date(0), new Date(Date.now() + 60_000)))
    if (record.dossierId === dossierId && record.outcome === 'denied') count++;
  return count;
}

describe('attack: a purpose the client does not have is refused before anything is fetched', () => {
  const cases: [string, string, string][] = [
    ['an invented dossier', EXAMPLE.maTTHC, 'H92.31-251121-7777'],
    ["another agency's dossier", OTHER_AGENCY.maTTHC, OTHER_AGENCY.maHoSo],
    ['a cancelled dossier', CANCELLED.maTTHC, CANCELLED.maHoSo],
    ['a dossier of another procedure', BIRTH.maTTHC, EXAMPLE.maHoSo],
    ['a dossier completed long ago', BIRTH.maTTHC, BIRTH.maHoSo],
  ];
  for (const [attack, procedure, dossier] of cases) {
    it(attack, async () => {
      const answer = await stack.query(PROFILE, { id: FIXTURES.husband }, { token, procedure, dossier });
      expect(answer.status).toBe(403);
      expect(codeOf(answer)).toBe('PURPOSE_REQUIRED');
      expect(answer.body.data ?? null).toBeNull();
      expect(nothingFetched()).toBe(true);
      expect(await deniedRecords(dossier)).toBeGreaterThanOrEqual(1);
    });
  }

  it('a procedure outside the client registry’s rights', async () => {
    const ministry = await stack.token('population:read', {
      sub: 'bo-khac.motcua',
      agency: FIXTURE_AGENCIES.canThoCommune,
    });
    const answer = await stack.query(
      PROFILE,
      { id: FIXTURES.husband },
      {
        token: ministry,
        procedure: EXAMPLE.maTTHC,
        dossier: EXAMPLE.maHoSo,
      },
    );
    expect(codeOf(answer)).toBe('PURPOSE_REQUIRED');
    expect(nothingFetched()).toBe(true);
  });
});

describe('attack: reading someone the dossier does not name', () => {
  const purpose = { procedure: EXAMPLE.maTTHC, dossier: EXAMPLE.maHoSo };

  it('a citizen outside the dossier is null with SUBJECT_NOT_IN_DOSSIER, and never fetched', async () => {
    const answer = await stack.query(PROFILE, { id: STRANGER }, { token, ...purpose });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ citizen: null });
    expect(answer.body.errors?.[0]).toMatchObject({
      path: ['citizen'],
      extensions: { code: 'FORBIDDEN', reason: 'SUBJECT_NOT_IN_DOSSIER' },
    });
    expect(nothingFetched()).toBe(true);
    expect(answer.text).not.toContain(STRANGER);
  });

  it('inside citizens(ids:), through a variable and an alias, only the stranger is refused', async () => {
    const answer = await stack.query(
      `query($ids: [ID!]!) { family: citizens(ids: $ids) { fullName } mine: citizen(id: "${FIXTURES.husband}") { id } }`,
      { ids: [FIXTURES.husband, STRANGER, FIXTURES.wife] },
      { token, ...purpose },
    );
    const family = answer.body.data?.['family'] as ({ fullName: string } | null)[];
    expect(family).toHaveLength(3);
    expect(family[0]?.fullName).toEqual(expect.any(String));
    expect(family[1]).toBeNull();
    expect(family[2]?.fullName).toEqual(expect.any(String));
    expect(answer.body.data?.['mine']).toEqual({ id: FIXTURES.husband });
    expect(answer.body.errors).toEqual([
      expect.objectContaining({
        path: ['family', 1],
        extensions: expect.objectContaining({ reason: 'SUBJECT_NOT_IN_DOSSIER' }),
      }),
    ]);
    // The stranger's id never reached a subgraph.
    const sent = Object.values(stack.subgraphQueries()).flat().join('\n');
    expect(sent).not.toContain(STRANGER);
  });

  it('through a root fragment, the same', async () => {
    const answer = await stack.query(
      `{ ...Lookup } fragment Lookup on Query { other: citizen(id: "${STRANGER}") { fullName } }`,
      {},
      { token, ...purpose },
    );
    expect(answer.body.data).toEqual({ other: null });
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ reason: 'SUBJECT_NOT_IN_DOSSIER' });
    expect(nothingFetched()).toBe(true);
  });
});

describe('attack: reading what the procedure does not need', () => {
  it("a marriage registration's dossier asks for the husband's household: FIELD_NOT_NEEDED", async () => {
    const marriage = '1.000894';
    const dossier = await newDossier([FIXTURES.husband, FIXTURES.wife], marriage);
    const answer = await stack.query(
      'query($id: ID!) { citizen(id: $id) { fullName spouse { fullName } household { code } } }',
      { id: FIXTURES.husband },
      { token, procedure: marriage, dossier },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data?.['citizen']).toMatchObject({
      fullName: expect.any(String),
      spouse: { fullName: expect.any(String) },
    });
    expect(answer.body.errors).toEqual([
      expect.objectContaining({
        path: ['citizen', 'household'],
        extensions: expect.objectContaining({ code: 'FORBIDDEN', reason: 'FIELD_NOT_NEEDED' }),
      }),
    ]);
    expect(answer.body.data?.['citizen']).toMatchObject({ household: null });
    // Within the procedure's scopes (population:read), but not what a marriage needs: never asked for.
    expect(Object.values(stack.subgraphQueries()).flat().join('\n')).not.toContain('household');
  });
});

describe('the one-stop system', () => {
  it('down: purpose fails closed with a clear message; back: requests pass again', async () => {
    const dossier = await newDossier([FIXTURES.husband]);
    onestop.setFaults({ delayMs: 0, jitterMs: 0, errorRate: 1, timeoutRate: 0 });
    const refused = await stack.query(
      PROFILE,
      { id: FIXTURES.husband },
      {
        token,
        procedure: EXAMPLE.maTTHC,
        dossier,
      },
    );
    expect(refused.status).toBe(403);
    expect(codeOf(refused)).toBe('PURPOSE_REQUIRED');
    expect(refused.body.errors?.[0]?.message).toMatch(/one-stop system did not answer/);
    expect(nothingFetched()).toBe(true);
    const metrics = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/lienthong_dossier_lookups_total\{[^}]*result="unavailable"[^}]*\} [1-9]/);

    onestop.setFaults({ delayMs: 0, jitterMs: 0, errorRate: 0, timeoutRate: 0 });
    const served = await stack.query(
      PROFILE,
      { id: FIXTURES.husband },
      {
        token,
        procedure: EXAMPLE.maTTHC,
        dossier,
      },
    );
    expect(served.status).toBe(200);
    expect(served.body.data?.['citizen']).toMatchObject({ fullName: expect.any(String) });
  });

  it('100 concurrent requests on one dossier make one dossier lookup', async () => {
    const dossier = await newDossier([FIXTURES.husband]);
    onestop.resetStats();
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        stack.query(PROFILE, { id: FIXTURES.husband }, { token, procedure: EXAMPLE.maTTHC, dossier }),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(lookups()).toBe(1);
  });
});
