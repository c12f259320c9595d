// The verifier's handling of what a one-stop system may answer, with undici's MockAgent standing in
// (no network). The real mock is exercised in tests/integration/dossierVerifier.test.ts.
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openClientRegistry } from './clientRegistry.ts';
import { createDossierVerifier, servesUntil } from './dossierVerifier.ts';

const ORIGIN = 'http://onestop.test';
const identity = { clientId: 'ubnd-cantho.motcua', agency: '31135' };
const hoSo = (patch: Record<string, unknown> = {}) => ({
  maHoSo: 'H92/31-0001',
  maTTHC: '1.004227',
  maCoQuan: '31135',
  trangThai: 'DA_TIEP_NHAN',
  ngayTiepNhan: '2026-03-01',
  ngayTraKetQua: null,
  chuHoSo: { loai: 'CONG_DAN', ma: '092082031521' },
  doiTuongLienQuan: [
    { loai: 'HO_GIA_DINH', ma: '456463235352' },
    { loai: 'KET_QUA', ma: 'KS-92-2009-174393' },
  ],
  ...patch,
});

let agent: MockAgent;
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

function answer(status: number, body: unknown) {
  agent
    .get(ORIGIN)
    .intercept({
      path: '/base/api/v1/ho-so/H92%2F31-0001',
      method: 'GET',
      headers: { authorization: 'Bearer the-key' },
    })
    .reply(status, body as object);
}

const verify = () =>
  createDossierVerifier({
    url: `${ORIGIN}/base`,
    apiKey: 'the-key',
    dispatcher: agent,
    clients: openClientRegistry(),
    graceDays: 30,
    now: () => Date.parse('2026-03-02T00:00:00Z'),
  }).verify({ procedureCode: '1.004227', dossierId: 'H92/31-0001', identity });

describe('dossierVerifier', () => {
  it('escapes the dossier id into one path segment, sends the key, and keeps only subject kinds it knows', async () => {
    answer(200, hoSo());
    const result = await verify();
    expect(result.ok && [...result.dossier.subjects]).toEqual([
      'Citizen:092082031521',
      'IssuedResult:KS-92-2009-174393',
    ]);
  });

  it('fails closed on an answer that is not a dossier, or not the dossier asked for', async () => {
    for (const body of [{ ok: true }, hoSo({ trangThai: 'XONG' }), hoSo({ maHoSo: 'H92/31-0002' })]) {
      answer(200, body);
      expect(await verify()).toMatchObject({ ok: false, reason: 'UNAVAILABLE' });
    }
  });

  it('fails closed on any status other than 200 and 404', async () => {
    for (const status of [401, 500, 302]) {
      answer(status, { maLoi: 'X' });
      expect(await verify()).toMatchObject({ ok: false, reason: 'UNAVAILABLE' });
    }
    answer(404, { maLoi: 'KHONG_TIM_THAY' });
    expect(await verify()).toMatchObject({ ok: false, reason: 'NOT_FOUND' });
  });

  it('counts a returned dossier from the end of its return day in Vietnam', () => {
    expect(new Date(servesUntil('2026-02-08', 30)).toISOString()).toBe('2026-03-10T17:00:00.000Z');
    expect(new Date(servesUntil('2026-02-08', 0)).toISOString()).toBe('2026-02-08T17:00:00.000Z');
  });
});
