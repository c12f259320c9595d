// The one-stop system mock (dossier registry) over real HTTP: its API key, reading and receiving
// dossiers with validation that names the field, duplicates, status changes, stats and faults.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMock, type MockServer } from '../../mocks/createMock.ts';
import { DOSSIER_IDS, FIXTURE_AGENCIES } from '../../mocks/dossierFixtures.ts';
import { FIXTURES as F } from '../../mocks/fixtures.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely here; their shape is what the assertions check
type Json = any;

const API_KEY = 'mocks-onestop-test-key';
const auth = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

async function call(
  mock: MockServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = auth,
) {
  const res = await fetch(`${mock.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

let serial = 0;
function newDossier(patch: Record<string, unknown> = {}) {
  serial++;
  return {
    maHoSo: `H92.31-251201-${String(serial).padStart(4, '0')}`,
    maTTHC: '1.004227',
    maCoQuan: FIXTURE_AGENCIES.canThoCommune,
    trangThai: 'DA_TIEP_NHAN',
    ngayTiepNhan: '2025-12-01',
    ngayTraKetQua: null,
    chuHoSo: { loai: 'CONG_DAN', ma: F.husband },
    doiTuongLienQuan: [
      { loai: 'CONG_DAN', ma: F.wife },
      { loai: 'DOANH_NGHIEP', ma: F.enterprise },
      { loai: 'GIAY_CHUNG_NHAN', ma: F.landSerial },
      { loai: 'KET_QUA', ma: F.birthRegistration },
    ],
    ...patch,
  };
}

describe('onestop mock', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await createMock({ source: 'onestop', apiKey: API_KEY, maxReceivedDossiers: 5 });
  });
  afterAll(() => mock.close());
  beforeEach(() => {
    mock.resetStats();
    mock.setFaults({ delayMs: 0, jitterMs: 0, errorRate: 0, timeoutRate: 0 });
  });

  it('refuses requests without the API key, or with another one, and reveals no dossier', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: API_KEY },
    ];
    for (const headers of attempts) {
      const res = await call(mock, 'GET', `/api/v1/ho-so/${DOSSIER_IDS.example}`, undefined, headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ maLoi: 'KHONG_XAC_THUC', moTa: expect.any(String) });
      const post = await call(mock, 'POST', '/api/v1/ho-so', newDossier(), headers);
      expect(post.status).toBe(401);
    }
    expect(mock.stats().requests).toBe(0);
  });

  it('serves health, readiness and metrics without the key', async () => {
    expect((await fetch(`${mock.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${mock.url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${mock.url}/metrics`)).text()).toContain('lienthong_mock_requests_total');
  });

  it('serves a fixture dossier with its Vietnamese fields, and 404 for an unknown or malformed code', async () => {
    const res = await call(mock, 'GET', `/api/v1/ho-so/${DOSSIER_IDS.example}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      maHoSo: DOSSIER_IDS.example,
      maTTHC: expect.stringMatching(/^\d\.\d{6}$/),
      maCoQuan: FIXTURE_AGENCIES.canThoCommune,
      trangThai: 'DANG_XU_LY',
      ngayTiepNhan: '2025-11-21',
      ngayTraKetQua: null,
      chuHoSo: { loai: 'CONG_DAN', ma: F.husband },
    });
    expect(res.body.doiTuongLienQuan).toContainEqual({ loai: 'CONG_DAN', ma: F.wife });
    for (const code of ['H92.31-999999-9999', 'x', '..%2F..%2Fetc', '%E0%A4%A']) {
      const missing = await call(mock, 'GET', `/api/v1/ho-so/${code}`);
      expect(missing.status).toBe(404);
      expect(missing.body.maLoi).toBe('KHONG_TIM_THAY');
    }
  });

  it('receives a dossier (201), serves it, and answers 409 to the same code twice', async () => {
    const hoSo = newDossier();
    const created = await call(mock, 'POST', '/api/v1/ho-so', hoSo);
    expect(created.status).toBe(201);
    expect(created.body).toEqual(hoSo);
    expect((await call(mock, 'GET', `/api/v1/ho-so/${hoSo.maHoSo}`)).body).toEqual(hoSo);
    const again = await call(mock, 'POST', '/api/v1/ho-so', { ...hoSo, trangThai: 'DA_HUY' });
    expect(again.status).toBe(409);
    expect(again.body.maLoi).toBe('DA_TON_TAI');
    expect((await call(mock, 'GET', `/api/v1/ho-so/${hoSo.maHoSo}`)).body.trangThai).toBe('DA_TIEP_NHAN');
    const fixture = await call(mock, 'POST', '/api/v1/ho-so', newDossier({ maHoSo: DOSSIER_IDS.cancelled }));
    expect(fixture.status).toBe(409);
  });

  it('answers 400 naming the field, never its value, for each kind of bad input', async () => {
    const related = (loai: string, ma: string) => ({ doiTuongLienQuan: [{ loai, ma }] });
    const cases: [Record<string, unknown>, string][] = [
      [{ maHoSo: 'a b' }, 'maHoSo'],
      [{ maTTHC: '1004227' }, 'maTTHC'],
      [{ maCoQuan: '99999' }, 'maCoQuan'],
      [{ maCoQuan: '99-DKKD' }, 'maCoQuan'],
      [{ trangThai: 'DONE' }, 'trangThai'],
      [{ ngayTiepNhan: '2025-02-30' }, 'ngayTiepNhan'],
      [{ ngayTiepNhan: '01/12/2025' }, 'ngayTiepNhan'],
      [{ trangThai: 'DA_TRA_KET_QUA' }, 'ngayTraKetQua'],
      [{ ngayTraKetQua: '2025-12-02' }, 'ngayTraKetQua'],
      [{ trangThai: 'DA_TRA_KET_QUA', ngayTraKetQua: '2025-11-30' }, 'ngayTraKetQua'],
      [{ chuHoSo: { loai: 'CONG_DAN', ma: F.malformedCitizenId } }, 'chuHoSo.ma'],
      [{ chuHoSo: { loai: 'GIAY_CHUNG_NHAN', ma: F.landSerial } }, 'chuHoSo.loai'],
      [related('DOANH_NGHIEP', '9266800763'), 'doiTuongLienQuan.0.ma'],
      [related('GIAY_CHUNG_NHAN', 'tr317207'), 'doiTuongLienQuan.0.ma'],
      [related('KET_QUA', 'KS-92-09-1'), 'doiTuongLienQuan.0.ma'],
      [related('HO_GIA_DINH', F.household), 'doiTuongLienQuan.0.loai'],
      [
        { doiTuongLienQuan: Array.from({ length: 51 }, () => ({ loai: 'CONG_DAN', ma: F.wife })) },
        'doiTuongLienQuan',
      ],
      [{ extra: 1 }, '(body)'],
    ];
    for (const [patch, field] of cases) {
      const res = await call(mock, 'POST', '/api/v1/ho-so', newDossier(patch));
      expect(res.status, field).toBe(400);
      expect(res.body.maLoi).toBe('YEU_CAU_KHONG_HOP_LE');
      expect(res.body.moTa, JSON.stringify(patch)).toBe(`Invalid fields: ${field}.`);
    }
    const { ngayTiepNhan: _, ...missing } = newDossier();
    expect((await call(mock, 'POST', '/api/v1/ho-so', missing)).body.moTa).toBe(
      'Invalid fields: ngayTiepNhan.',
    );
    const notJson = await call(mock, 'POST', '/api/v1/ho-so', '{"maHoSo":');
    expect(notJson.status).toBe(400);
    const notObject = await call(mock, 'POST', '/api/v1/ho-so', [1, 2]);
    expect(notObject.status).toBe(400);
  });

  it('moves a dossier through processing; a settled or cancelled one stays final', async () => {
    const hoSo = newDossier();
    await call(mock, 'POST', '/api/v1/ho-so', hoSo);
    const path = `/api/v1/ho-so/${hoSo.maHoSo}/trang-thai`;
    expect((await call(mock, 'POST', path, { trangThai: 'DANG_XU_LY' })).body.trangThai).toBe('DANG_XU_LY');
    expect((await call(mock, 'POST', path, { trangThai: 'DA_TRA_KET_QUA' })).body.moTa).toBe(
      'Invalid fields: ngayTraKetQua.',
    );
    const done = await call(mock, 'POST', path, { trangThai: 'DA_TRA_KET_QUA', ngayTraKetQua: '2025-12-03' });
    expect(done.body).toMatchObject({ trangThai: 'DA_TRA_KET_QUA', ngayTraKetQua: '2025-12-03' });
    const reopened = await call(mock, 'POST', path, { trangThai: 'DANG_XU_LY' });
    expect(reopened.status).toBe(409);
    expect(reopened.body.maLoi).toBe('DA_KET_THUC');
    const cancelled = await call(mock, 'POST', `/api/v1/ho-so/${DOSSIER_IDS.cancelled}/trang-thai`, {
      trangThai: 'DANG_XU_LY',
    });
    expect(cancelled.status).toBe(409);
    expect(
      (await call(mock, 'POST', '/api/v1/ho-so/H92.31-NONE-0000/trang-thai', { trangThai: 'DA_HUY' })).status,
    ).toBe(404);
  });

  it('keeps a bounded number of received dossiers, the oldest forgotten first', async () => {
    const first = newDossier();
    await call(mock, 'POST', '/api/v1/ho-so', first);
    for (let i = 0; i < 5; i++)
      expect((await call(mock, 'POST', '/api/v1/ho-so', newDossier())).status).toBe(201);
    expect((await call(mock, 'GET', `/api/v1/ho-so/${first.maHoSo}`)).status).toBe(404);
    expect((await call(mock, 'GET', `/api/v1/ho-so/${DOSSIER_IDS.landTransfer}`)).status).toBe(200);
  });

  it('has no versioned records for /__admin/cap-nhat to touch', async () => {
    const res = await call(mock, 'POST', '/__admin/cap-nhat', { loai: 'ho-so', ma: DOSSIER_IDS.example });
    expect(res.status).toBe(400);
  });

  it('counts requests per route in /__admin/stats', async () => {
    await call(mock, 'GET', `/api/v1/ho-so/${DOSSIER_IDS.example}`);
    await call(mock, 'GET', `/api/v1/ho-so/${DOSSIER_IDS.otherAgency}`);
    await call(mock, 'POST', '/api/v1/ho-so', newDossier());
    const stats = await call(mock, 'GET', '/__admin/stats');
    expect(stats.body).toMatchObject({
      requests: 3,
      byRoute: { 'GET /api/v1/ho-so/{maHoSo}': 2, 'POST /api/v1/ho-so': 1 },
    });
  });

  it('injects faults like the other mocks: an error status, then a held request', async () => {
    await call(mock, 'PUT', '/__admin/faults', { errorRate: 1, errorStatus: 503 });
    const failed = await call(mock, 'GET', `/api/v1/ho-so/${DOSSIER_IDS.example}`);
    expect(failed.status).toBe(503);
    expect(failed.body.maLoi).toBe('LOI_GIA_LAP');
    mock.setFaults({ errorRate: 0, timeoutRate: 1 });
    const held = fetch(`${mock.url}/api/v1/ho-so/${DOSSIER_IDS.example}`, {
      headers: auth,
      signal: AbortSignal.timeout(200),
    });
    await expect(held).rejects.toThrow();
    expect(mock.stats().requests).toBe(2);
  });
});

describe('node mocks/main.ts onestop', () => {
  it('listens on ONESTOP_MOCK_PORT with the dev key and stops on SIGTERM', async () => {
    const root = join(import.meta.dirname, '..', '..');
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('MOCK_') && k !== 'UPSTREAM_API_KEY'),
    );
    const child = spawn(join(root, 'node_modules', '.bin', 'node'), ['mocks/main.ts', 'onestop'], {
      cwd: root,
      env: { ...env, LIENTHONG_DEV: '1', ONESTOP_MOCK_PORT: '0', LOG_LEVEL: 'info' },
      stdio: 'pipe',
    });
    try {
      let out = '';
      while (!out.includes('listening')) {
        const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
        out += chunk.toString();
      }
      expect(out).toContain('mock-onestop');
      const url = /"url":"([^"]+)"/.exec(out)![1]!;
      const res = await fetch(`${url}/api/v1/ho-so/${DOSSIER_IDS.landTransfer}`, {
        headers: { authorization: 'Bearer dev-upstream-key' },
      });
      expect(res.status).toBe(200);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
