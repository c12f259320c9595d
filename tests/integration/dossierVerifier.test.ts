// Dossier verification against the real onestop mock over HTTP: each refusal, the grace days, the
// one-stop system down (fail closed) and back, the single flight, and the cache's lifetimes on an
// injected clock. Attacks are named as such; each asserts what the caller must not get.
import { Writable } from 'node:stream';
import pino from 'pino';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ClientRegistry,
  openClientRegistry,
  parseClientRegistry,
} from '../../gateway/src/plugins/purpose/clientRegistry.ts';
import {
  createDossierVerifier,
  type DossierVerification,
  type DossierVerifierOptions,
} from '../../gateway/src/plugins/purpose/dossierVerifier.ts';
import { loadProcedureRegistry } from '../../gateway/src/procedures.ts';
import { createMetrics } from '../../lib/metrics.ts';
import { createMock, type MockServer } from '../../mocks/createMock.ts';
import { DOSSIER_IDS, FIXTURE_AGENCIES, fixtureDossiers } from '../../mocks/dossierFixtures.ts';
import { FIXTURES as F } from '../../mocks/fixtures.ts';

const API_KEY = 'dossier-verifier-test-key';
const LOOKUP_ROUTE = 'GET /api/v1/ho-so/{maHoSo}';
const DAY = 86_400_000;
const CAN_THO = { clientId: 'ubnd-cantho.motcua', agency: FIXTURE_AGENCIES.canThoCommune };
const fixture = (id: string) => fixtureDossiers().find((d) => d.maHoSo === id)!;
const EXAMPLE = fixture(DOSSIER_IDS.example);

let mock: MockServer;
let dispatcher: Agent;
let clock: number;
let serial = 0;

beforeAll(async () => {
  mock = await createMock({ source: 'onestop', apiKey: API_KEY });
  dispatcher = new Agent({ connections: 8 });
});
afterAll(async () => {
  await dispatcher.close();
  await mock.close();
});
beforeEach(() => {
  mock.setFaults({ delayMs: 0, jitterMs: 0, errorRate: 0, timeoutRate: 0 });
  mock.resetStats();
  clock = Date.parse('2026-03-10T03:00:00Z');
});

function verifier(patch: Partial<DossierVerifierOptions> = {}) {
  const metrics = createMetrics('dossier-verifier-test');
  const verify = createDossierVerifier({
    url: mock.url,
    apiKey: API_KEY,
    dispatcher,
    clients: openClientRegistry(),
    graceDays: 30,
    lookups: metrics.dossierLookups,
    now: () => clock,
    ...patch,
  });
  const counts = async () =>
    Object.fromEntries((await metrics.dossierLookups.get()).values.map((v) => [v.labels['result'], v.value]));
  return { verify: verify.verify, counts };
}

const lookups = () => mock.stats().byRoute[LOOKUP_ROUTE] ?? 0;

async function post(path: string, body: unknown): Promise<number> {
  const res = await fetch(`${mock.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Receives a dossier like the example one, with a fresh code, and returns that code. */
async function receive(patch: Record<string, unknown> = {}): Promise<string> {
  const maHoSo = `H92.31-260301-${String(++serial).padStart(4, '0')}`;
  expect(await post('/api/v1/ho-so', { ...EXAMPLE, maHoSo, ...patch })).toBe(201);
  return maHoSo;
}

function refused(result: DossierVerification, reason: string) {
  expect(result).toMatchObject({ ok: false, reason });
  if (result.ok) return;
  // Messages name headers and rules, never a dossier or a subject.
  for (const id of [...Object.values(DOSSIER_IDS), F.husband, F.wife])
    expect(result.message).not.toContain(id);
}

describe('dossier verification against the one-stop system', () => {
  it('verifies an open dossier of the client agency and returns its procedure, agency and typed subjects', async () => {
    const { verify } = verifier();
    const result = await verify({
      procedureCode: EXAMPLE.maTTHC,
      dossierId: DOSSIER_IDS.example,
      identity: CAN_THO,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.dossier).toMatchObject({
      id: DOSSIER_IDS.example,
      procedureCode: EXAMPLE.maTTHC,
      agency: FIXTURE_AGENCIES.canThoCommune,
      status: 'DANG_XU_LY',
    });
    expect([...result.dossier.subjects].sort()).toEqual(
      [
        `Citizen:${F.husband}`,
        `Citizen:${F.wife}`,
        ...F.children.map((c) => `Citizen:${c}`),
        `Enterprise:${F.enterprise}`,
        `LandCertificate:${F.landSerial}`,
      ].sort(),
    );
  });

  it('attack: an invented dossier id is refused as not found', async () => {
    const { verify, counts } = verifier();
    refused(
      await verify({ procedureCode: EXAMPLE.maTTHC, dossierId: 'H92.31-251121-9999', identity: CAN_THO }),
      'NOT_FOUND',
    );
    expect(await counts()).toEqual({ not_found: 1 });
  });

  it('attack: a real dossier under another procedure code is refused', async () => {
    const { verify } = verifier();
    const other = fixture(DOSSIER_IDS.landTransfer).maTTHC;
    refused(
      await verify({ procedureCode: other, dossierId: DOSSIER_IDS.example, identity: CAN_THO }),
      'OTHER_PROCEDURE',
    );
  });

  it('attack: a dossier received by another province agency is refused, unless the registry lets the client act for it', async () => {
    const dossier = fixture(DOSSIER_IDS.otherAgency);
    const request = { procedureCode: dossier.maTTHC, dossierId: dossier.maHoSo, identity: CAN_THO };
    refused(await verifier().verify(request), 'FOREIGN_AGENCY');
    refused(
      await verifier().verify({ ...request, identity: { clientId: CAN_THO.clientId } }),
      'FOREIGN_AGENCY',
    );
    const procedures = await loadProcedureRegistry();
    const clients: ClientRegistry = parseClientRegistry(
      [
        {
          clientId: CAN_THO.clientId,
          name: 'Một cửa Cần Thơ, also serving Ba Đình',
          agencies: [FIXTURE_AGENCIES.haNoiCommune],
          levels: ['commune'],
          procedures: [],
        },
      ],
      'test',
      procedures,
    );
    expect((await verifier({ clients }).verify(request)).ok).toBe(true);
    refused(
      await verifier({ clients }).verify({ ...request, identity: { clientId: 'ubnd-khac.motcua' } }),
      'FOREIGN_AGENCY',
    );
  });

  it('attack: a cancelled dossier (DA_HUY) is refused', async () => {
    const dossier = fixture(DOSSIER_IDS.cancelled);
    refused(
      await verifier().verify({
        procedureCode: dossier.maTTHC,
        dossierId: dossier.maHoSo,
        identity: CAN_THO,
      }),
      'CANCELLED',
    );
  });

  it('attack: a dossier completed long ago is refused', async () => {
    const dossier = fixture(DOSSIER_IDS.birthRegistration);
    const result = await verifier().verify({
      procedureCode: dossier.maTTHC,
      dossierId: dossier.maHoSo,
      identity: CAN_THO,
    });
    refused(result, 'EXPIRED');
    expect(result.ok ? '' : result.message).toBe('The dossier was completed more than 30 days ago.');
  });

  it('serves a completed dossier until the end of its return day plus the grace days, Vietnam time', async () => {
    const id = await receive({
      trangThai: 'DA_TRA_KET_QUA',
      ngayTiepNhan: '2026-02-01',
      ngayTraKetQua: '2026-02-08',
    });
    const request = { procedureCode: EXAMPLE.maTTHC, dossierId: id, identity: CAN_THO };
    // 2026-02-08 + 30 days = 2026-03-10; its last instant in Vietnam is 2026-03-10T16:59:59.999Z.
    clock = Date.parse('2026-03-10T16:59:59.999Z');
    expect((await verifier().verify(request)).ok).toBe(true);
    clock = Date.parse('2026-03-10T17:00:00Z');
    refused(await verifier().verify(request), 'EXPIRED');
    expect((await verifier({ graceDays: 40 }).verify(request)).ok).toBe(true);
    clock = Date.parse('2026-02-08T16:59:59Z');
    expect((await verifier({ graceDays: 0 }).verify(request)).ok).toBe(true);
    clock = Date.parse('2026-02-08T17:00:00Z');
    refused(await verifier({ graceDays: 0 }).verify(request), 'EXPIRED');
  });

  it('refuses malformed headers without asking the one-stop system', async () => {
    const { verify, counts } = verifier();
    for (const [procedureCode, dossierId] of [
      ['1004227', DOSSIER_IDS.example],
      [EXAMPLE.maTTHC, '../__admin/stats'],
      [EXAMPLE.maTTHC, ''],
    ] as const) {
      refused(await verify({ procedureCode, dossierId, identity: CAN_THO }), 'MALFORMED');
    }
    expect(lookups()).toBe(0);
    expect(await counts()).toEqual({});
  });

  it('fails closed when the one-stop system errs, hangs, refuses the key or is gone, and recovers when it is back', async () => {
    const { verify, counts } = verifier({ timeoutMs: 300 });
    const request = { procedureCode: EXAMPLE.maTTHC, dossierId: DOSSIER_IDS.example, identity: CAN_THO };
    mock.setFaults({ errorRate: 1, errorStatus: 503 });
    refused(await verify(request), 'UNAVAILABLE');
    mock.setFaults({ errorRate: 0, timeoutRate: 1 });
    refused(await verify(request), 'UNAVAILABLE');
    mock.setFaults({ timeoutRate: 0 });
    // A failure is not cached: the next verification asks again and succeeds.
    expect((await verify(request)).ok).toBe(true);
    expect(await counts()).toEqual({ unavailable: 2, miss: 1 });
    expect(lookups()).toBe(3);

    refused(await verifier({ apiKey: 'wrong-key' }).verify(request), 'UNAVAILABLE');
    const gone = await createMock({ source: 'onestop', apiKey: API_KEY });
    const goneUrl = gone.url;
    await gone.close();
    refused(await verifier({ url: goneUrl }).verify(request), 'UNAVAILABLE');
  });

  it('logs an outage without the dossier id', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    mock.setFaults({ errorRate: 1, errorStatus: 500 });
    const { verify } = verifier({ logger: pino({ level: 'debug' }, sink) });
    refused(
      await verify({ procedureCode: EXAMPLE.maTTHC, dossierId: DOSSIER_IDS.example, identity: CAN_THO }),
      'UNAVAILABLE',
    );
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain(DOSSIER_IDS.example);
  });

  it('makes one upstream call for 100 concurrent verifications of one dossier', async () => {
    const { verify, counts } = verifier();
    mock.setFaults({ delayMs: 50 });
    const request = { procedureCode: EXAMPLE.maTTHC, dossierId: DOSSIER_IDS.example, identity: CAN_THO };
    const results = await Promise.all(Array.from({ length: 100 }, () => verify(request)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(lookups()).toBe(1);
    expect(await counts()).toEqual({ miss: 1, hit: 99 });
  });

  it('shares one upstream failure among concurrent verifications, and caches none of it', async () => {
    const { verify, counts } = verifier();
    mock.setFaults({ errorRate: 1, delayMs: 20 });
    const request = { procedureCode: EXAMPLE.maTTHC, dossierId: DOSSIER_IDS.example, identity: CAN_THO };
    const results = await Promise.all(Array.from({ length: 20 }, () => verify(request)));
    expect(results.every((r) => !r.ok && r.reason === 'UNAVAILABLE')).toBe(true);
    expect(lookups()).toBe(1);
    expect(await counts()).toEqual({ unavailable: 20 });
  });

  it('stops serving a dossier cancelled upstream once its cache entry expires (30 s by default, never over 60 s)', async () => {
    const { verify, counts } = verifier();
    const id = await receive();
    const request = { procedureCode: EXAMPLE.maTTHC, dossierId: id, identity: CAN_THO };
    expect((await verify(request)).ok).toBe(true);
    expect(await post(`/api/v1/ho-so/${id}/trang-thai`, { trangThai: 'DA_HUY' })).toBe(200);
    clock += 30_000; // an entry is fresh up to its ttl, and looked up again past it
    expect((await verify(request)).ok).toBe(true);
    expect(lookups()).toBe(1);
    clock += 1;
    refused(await verify(request), 'CANCELLED');
    expect(lookups()).toBe(2);
    expect(await counts()).toEqual({ miss: 2, hit: 1 });
    expect(() => verifier({ ttlMs: 60_001 })).toThrow(/ttlMs/);
  });

  it('remembers "no such dossier" for a shorter time, so a dossier just received soon verifies', async () => {
    const { verify, counts } = verifier({ negativeTtlMs: 5_000 });
    const maHoSo = 'H92.31-260310-0777';
    const request = { procedureCode: EXAMPLE.maTTHC, dossierId: maHoSo, identity: CAN_THO };
    refused(await verify(request), 'NOT_FOUND');
    expect(await post('/api/v1/ho-so', { ...EXAMPLE, maHoSo })).toBe(201);
    clock += 5_000;
    refused(await verify(request), 'NOT_FOUND');
    expect(lookups()).toBe(1);
    clock += 1;
    expect((await verify(request)).ok).toBe(true);
    expect(lookups()).toBe(2);
    expect(await counts()).toEqual({ not_found: 1, hit: 1, miss: 1 });
  });

  it('judges the grace days on each verification, not when the dossier was cached', async () => {
    const { verify } = verifier({ graceDays: 1 });
    const id = await receive({
      trangThai: 'DA_TRA_KET_QUA',
      ngayTiepNhan: '2026-03-09',
      ngayTraKetQua: '2026-03-09',
    });
    const request = { procedureCode: EXAMPLE.maTTHC, dossierId: id, identity: CAN_THO };
    clock = Date.parse('2026-03-10T16:59:50Z');
    expect((await verify(request)).ok).toBe(true);
    clock += 10_000;
    refused(await verify(request), 'EXPIRED');
    expect(lookups()).toBe(1);
    expect(clock - Date.parse('2026-03-09T00:00:00Z')).toBeLessThan(2 * DAY);
  });
});
