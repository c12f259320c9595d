// The results registry mock over real HTTP: look-ups signed with the registry key (verified against
// its public JWKS with jose), and the write API: issue, revoke, supersede.
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMock, type MockServer } from '../../mocks/createMock.ts';
import { FIXTURES as F } from '../../mocks/fixtures.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely here; their shape is what the assertions check
type Json = any;

const API_KEY = 'mocks-results-test-key';
const auth = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
const DOCUMENT = 'ab'.repeat(32);

const issueBody = (overrides: Record<string, unknown> = {}) => ({
  maThuTuc: '1.001193',
  tenThuTuc: 'Đăng ký khai sinh',
  trichYeu: 'Trích lục khai sinh (bản sao)',
  coQuanCap: { ma: '00004', ten: 'UBND Phường Ba Đình', maTinh: '01' },
  doiTuong: { loai: 'CONG_DAN', ma: F.children[1] },
  maBamTaiLieu: DOCUMENT,
  ...overrides,
});

let mock: MockServer;
let keySet: ReturnType<typeof createLocalJWKSet>;

async function post(path: string, body: unknown) {
  const res = await fetch(`${mock.url}${path}`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, Json> };
}

const lookUp = async (code: string) =>
  (await post('/api/v1/ket-qua/tra-cuu', { maKetQua: [code] })).body['ketQua'][0];

/** Checks chuKy against the registry's JWKS and returns what it signs. */
async function verified(result: Record<string, Json>) {
  const { payload, protectedHeader } = await compactVerify(result['chuKy'], keySet, {
    algorithms: ['EdDSA'],
  });
  expect(protectedHeader.alg).toBe('EdDSA');
  const signed = JSON.parse(new TextDecoder().decode(payload));
  const { chuKy: _, phienBan: __, capNhatLuc, ...fields } = result;
  expect(signed).toEqual({ ...fields, iat: Math.floor(Date.parse(capNhatLuc) / 1000) });
  return signed;
}

beforeAll(async () => {
  mock = await createMock({ source: 'results', apiKey: API_KEY });
  const jwks = await fetch(`${mock.url}/.well-known/jwks.json`);
  expect(jwks.status).toBe(200);
  keySet = createLocalJWKSet((await jwks.json()) as JSONWebKeySet);
});
afterAll(() => mock.close());

describe('results registry mock', () => {
  it('publishes its public key without authentication, and nothing private', async () => {
    const jwks = (await (await fetch(`${mock.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('serves synthetic results in key order, signed', async () => {
    const res = await post('/api/v1/ket-qua/tra-cuu', {
      maKetQua: [F.birthRegistration, F.unissuedResult, 'not-a-code', F.businessRegistration],
    });
    const [birth, unissued, malformed, business] = res.body['ketQua'];
    expect(unissued).toBeNull();
    expect(malformed).toBeNull();
    expect(birth).toMatchObject({
      maKetQua: F.birthRegistration,
      trangThai: 'CON_HIEU_LUC',
      doiTuong: { loai: 'CONG_DAN', ma: F.children[0] },
      coQuanCap: { maTinh: '92' },
      phienBan: 1,
    });
    await verified(birth);
    await verified(business);
    expect((await lookUp(F.birthRegistration)).chuKy).toBe(birth.chuKy);
  });

  it('lists results by subject', async () => {
    const res = await post('/api/v1/ket-qua/theo-doi-tuong', {
      doiTuong: [
        { loai: 'CONG_DAN', ma: F.children[0] },
        { loai: 'DOANH_NGHIEP', ma: F.enterprise },
        { loai: 'CONG_DAN', ma: F.notFound },
        'nonsense',
      ],
    });
    expect(res.body['ketQua']).toEqual([[F.birthRegistration], [F.businessRegistration], [], []]);
  });

  it('issues a result, which is then listed, resolvable and signed', async () => {
    const issued = await post('/api/v1/ket-qua', issueBody());
    expect(issued.status).toBe(201);
    const code = issued.body['maKetQua'] as string;
    expect(code).toMatch(new RegExp(`^KQ-01-${new Date().getUTCFullYear()}-\\d{6}$`));
    expect(issued.body).toMatchObject({ trangThai: 'CON_HIEU_LUC', coGiaTriDen: null, phienBan: 1 });
    await verified(issued.body);
    expect(await lookUp(code)).toEqual(issued.body);
    const listed = await post('/api/v1/ket-qua/theo-doi-tuong', {
      doiTuong: [{ loai: 'CONG_DAN', ma: F.children[1] }],
    });
    expect(listed.body['ketQua'][0]).toContain(code);
  });

  it('refuses an invalid issue, naming the fields, and a subject that does not exist', async () => {
    const invalid = await post('/api/v1/ket-qua', issueBody({ maBamTaiLieu: 'xyz', maThuTuc: 'abc' }));
    expect(invalid.status).toBe(400);
    expect(invalid.body['moTa']).toContain('maBamTaiLieu');
    expect(invalid.body['moTa']).toContain('maThuTuc');
    const nobody = await post(
      '/api/v1/ket-qua',
      issueBody({ doiTuong: { loai: 'CONG_DAN', ma: F.notFound } }),
    );
    expect(nobody.status).toBe(422);
    expect(nobody.body['moTa']).not.toContain(F.notFound);
  });

  it('revokes a result once: new version, new signature, then a conflict', async () => {
    const issued = (await post('/api/v1/ket-qua', issueBody())).body;
    const revoked = await post(`/api/v1/ket-qua/${issued['maKetQua']}/thu-hoi`, { lyDo: 'Cấp nhầm' });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ trangThai: 'DA_THU_HOI', phienBan: 2 });
    expect((await verified(revoked.body)).trangThai).toBe('DA_THU_HOI');
    expect(await lookUp(issued['maKetQua'])).toEqual(revoked.body);
    const again = await post(`/api/v1/ket-qua/${issued['maKetQua']}/thu-hoi`, { lyDo: 'Lần nữa' });
    expect(again.status).toBe(409);
    expect((await post(`/api/v1/ket-qua/${F.unissuedResult}/thu-hoi`, { lyDo: 'x' })).status).toBe(404);
    expect((await post(`/api/v1/ket-qua/${issued['maKetQua']}/thu-hoi`, {})).status).toBe(400);
  });

  it('supersedes a synthetic result with a new one that it points to', async () => {
    const res = await post(`/api/v1/ket-qua/${F.landResult}/thay-the`, {
      lyDo: 'Cấp đổi',
      ketQuaMoi: issueBody({
        maThuTuc: '1.013831',
        tenThuTuc: 'Cấp đổi Giấy chứng nhận',
        trichYeu: 'Giấy chứng nhận cấp đổi',
        coQuanCap: { ma: '92-DD', ten: 'Sở Nông nghiệp và Môi trường Thành phố Cần Thơ', maTinh: '92' },
        doiTuong: { loai: 'CONG_DAN', ma: F.husband },
      }),
    });
    expect(res.status).toBe(201);
    const { ketQuaCu, ketQuaMoi } = res.body;
    expect(ketQuaCu).toMatchObject({
      maKetQua: F.landResult,
      trangThai: 'DA_THAY_THE',
      maKetQuaThayThe: ketQuaMoi.maKetQua,
    });
    expect(ketQuaMoi).toMatchObject({ trangThai: 'CON_HIEU_LUC', doiTuong: { ma: F.husband } });
    await verified(ketQuaCu);
    await verified(ketQuaMoi);
    expect(await lookUp(F.landResult)).toEqual(ketQuaCu);
    const listed = await post('/api/v1/ket-qua/theo-doi-tuong', {
      doiTuong: [{ loai: 'CONG_DAN', ma: F.husband }],
    });
    expect(listed.body['ketQua'][0]).toEqual([F.landResult, ketQuaMoi.maKetQua]);
  });

  it('publishes issues and revocations as change events', async () => {
    const controller = new AbortController();
    const stream = await fetch(`${mock.url}/api/v1/su-kien`, { headers: auth, signal: controller.signal });
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      await reader.read();
      const issued = (await post('/api/v1/ket-qua', issueBody())).body;
      await post(`/api/v1/ket-qua/${issued['maKetQua']}/thu-hoi`, { lyDo: 'Cấp nhầm' });
      let text = '';
      while ((text.match(/\n\n/g) ?? []).length < 2) text += (await reader.read()).value ?? '';
      const events = text
        .split('\n\n')
        .filter((chunk) => chunk.startsWith('data: '))
        .map((chunk) => JSON.parse(chunk.slice(6)));
      expect(events.map((e) => [e.loai, e.ma, e.phienBan])).toEqual([
        ['ket-qua', issued['maKetQua'], 1],
        ['ket-qua', issued['maKetQua'], 2],
      ]);
    } finally {
      controller.abort();
    }
  });

  it('keeps the old key listed after a rotation, and signs with the new one', async () => {
    await using registry = await createMock({ source: 'results', apiKey: API_KEY });
    const before = (await (await fetch(`${registry.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const lookUpIn = async (): Promise<Record<string, Json>> => {
      const res = await fetch(`${registry.url}/api/v1/ket-qua/tra-cuu`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ maKetQua: [F.birthRegistration] }),
      });
      return ((await res.json()) as { ketQua: Record<string, Json>[] }).ketQua[0]!;
    };
    const old = await lookUpIn();
    const fresh = await registry.rotateRegistryKey();
    const after = (await (await fetch(`${registry.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    expect(after.keys.map((k) => k.kid)).toEqual([fresh.kid, before.keys[0]!.kid]);
    const rotatedKeys = createLocalJWKSet(after);
    const current = await lookUpIn();
    expect((await compactVerify(current.chuKy, rotatedKeys)).protectedHeader.kid).toBe(fresh.kid);
    expect((await compactVerify(old.chuKy, rotatedKeys)).protectedHeader.kid).toBe(before.keys[0]!.kid);
    await using land = await createMock({ source: 'land', apiKey: API_KEY });
    await expect(land.rotateRegistryKey()).rejects.toThrow();
  });
});
