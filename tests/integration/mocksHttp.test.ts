// The mock national databases over real HTTP: authentication, batches, fault injection, counters
// and change events.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMock, type MockServer } from '../../mocks/createMock.ts';
import { sampleCitizenIds } from '../../mocks/data/samples.ts';
import { FIXTURES as F } from '../../mocks/fixtures.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely here; their shape is what the assertions check
type Json = any;

const API_KEY = 'mocks-http-test-key';
const auth = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

async function post(mock: MockServer, path: string, body: unknown, headers: Record<string, string> = auth) {
  const res = await fetch(`${mock.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, Json> };
}

describe('population mock', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await createMock({ source: 'population', apiKey: API_KEY });
  });
  afterAll(() => mock.close());

  it('refuses requests without the API key, or with another one', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: API_KEY },
    ];
    for (const headers of attempts) {
      const res = await post(mock, '/api/v1/cong-dan/tra-cuu', { soDinhDanh: [F.husband] }, headers);
      expect(res.status).toBe(401);
      expect(res.body['maLoi']).toBe('KHONG_XAC_THUC');
    }
    const admin = await fetch(`${mock.url}/__admin/stats`);
    expect(admin.status).toBe(401);
  });

  it('serves health and metrics without the key', async () => {
    expect((await fetch(`${mock.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${mock.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${mock.url}/metrics`)).text();
    expect(metrics).toContain('lienthong_mock_requests_total');
  });

  it('answers a batch in key order, with null for unknown and malformed keys', async () => {
    const keys = [F.wife, F.notFound, F.malformedCitizenId, 42, F.husband];
    const res = await post(mock, '/api/v1/cong-dan/tra-cuu', { soDinhDanh: keys });
    expect(res.status).toBe(200);
    const slots = res.body['ketQua'] as (Record<string, unknown> | null)[];
    expect(slots.map((s) => s?.['soDinhDanh'] ?? null)).toEqual([F.wife, null, null, null, F.husband]);
    expect(slots[0]).toMatchObject({
      phienBan: 1,
      capNhatLuc: expect.any(String),
      soDinhDanhVoChong: F.husband,
    });
  });

  it('accepts 100 keys and refuses 101', async () => {
    const ids = sampleCitizenIds(101, 'mocks-http');
    const ok = await post(mock, '/api/v1/cong-dan/tra-cuu', { soDinhDanh: ids.slice(0, 100) });
    expect(ok.status).toBe(200);
    expect(ok.body['ketQua']).toHaveLength(100);
    const tooMany = await post(mock, '/api/v1/cong-dan/tra-cuu', { soDinhDanh: ids });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body['maLoi']).toBe('QUA_GIOI_HAN');
  });

  it('refuses bodies that are not JSON or not a batch', async () => {
    const notJson = await fetch(`${mock.url}/api/v1/cong-dan/tra-cuu`, {
      method: 'POST',
      headers: auth,
      body: '{',
    });
    expect(notJson.status).toBe(400);
    const notBatch = await post(mock, '/api/v1/cong-dan/tra-cuu', { soDinhDanh: F.husband });
    expect(notBatch.status).toBe(400);
  });

  it('serves households', async () => {
    const res = await post(mock, '/api/v1/ho-gia-dinh/tra-cuu', { maHo: [F.household, '000000000000'] });
    expect(res.body['ketQua'][0]).toMatchObject({
      maHo: F.household,
      soDinhDanhChuHo: F.husband,
      phienBan: 1,
    });
    expect(res.body['ketQua'][1]).toBeNull();
  });

  it('counts requests and keys per route, and resets', async () => {
    mock.resetStats();
    await post(mock, '/api/v1/cong-dan/tra-cuu', { soDinhDanh: [F.husband, F.wife] });
    await post(mock, '/api/v1/cong-dan/tra-cuu', { soDinhDanh: [F.husband] });
    await post(mock, '/api/v1/ho-gia-dinh/tra-cuu', { maHo: [F.household] });
    const expected = {
      requests: 3,
      keys: 4,
      byRoute: { 'POST /api/v1/cong-dan/tra-cuu': 2, 'POST /api/v1/ho-gia-dinh/tra-cuu': 1 },
    };
    expect(mock.stats()).toEqual(expected);
    const overHttp = await fetch(`${mock.url}/__admin/stats`, { headers: auth });
    expect(await overHttp.json()).toEqual(expected);
    const reset = await post(mock, '/__admin/stats/reset', {});
    expect(reset.body).toEqual({ requests: 0, keys: 0, byRoute: {} });
    expect(mock.stats().requests).toBe(0);
  });

  it('publishes a touch as a Server-Sent Event and serves the new version', async () => {
    const controller = new AbortController();
    const stream = await fetch(`${mock.url}/api/v1/su-kien`, { headers: auth, signal: controller.signal });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      expect((await reader.read()).value).toContain(': connected');
      const touched = await post(mock, '/__admin/cap-nhat', { loai: 'cong-dan', ma: F.husband });
      expect(touched.status).toBe(200);
      let text = '';
      while (!text.includes('\n\n')) text += (await reader.read()).value ?? '';
      const event = JSON.parse(text.slice(text.indexOf('data: ') + 6, text.indexOf('\n\n')));
      expect(event).toEqual({
        loai: 'cong-dan',
        ma: F.husband,
        phienBan: 2,
        capNhatLuc: touched.body['capNhatLuc'],
      });
      const record = await post(mock, '/api/v1/cong-dan/tra-cuu', { soDinhDanh: [F.husband] });
      expect(record.body['ketQua'][0]).toMatchObject({ phienBan: 2, capNhatLuc: event.capNhatLuc });
      expect(mock.touch('cong-dan', F.husband).phienBan).toBe(3);
    } finally {
      controller.abort();
    }
  });

  it('refuses to touch an unknown kind or a record that does not exist', async () => {
    expect((await post(mock, '/__admin/cap-nhat', { loai: 'doanh-nghiep', ma: F.enterprise })).status).toBe(
      400,
    );
    expect((await post(mock, '/__admin/cap-nhat', { loai: 'cong-dan', ma: F.notFound })).status).toBe(404);
    expect(() => mock.touch('cong-dan', F.notFound)).toThrow();
  });
});

describe('fault injection', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await createMock({ source: 'business', apiKey: API_KEY });
  });
  afterAll(() => mock.close());

  const lookUp = (signal?: AbortSignal) =>
    fetch(`${mock.url}/api/v1/doanh-nghiep/tra-cuu`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ maSoDoanhNghiep: [F.enterprise] }),
      signal,
    });

  it('reads and sets faults over HTTP', async () => {
    const set = await fetch(`${mock.url}/__admin/faults`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ errorRate: 0.25 }),
    });
    expect(await set.json()).toEqual({
      delayMs: 0,
      jitterMs: 0,
      errorRate: 0.25,
      errorStatus: 503,
      timeoutRate: 0,
    });
    const bad = await fetch(`${mock.url}/__admin/faults`, {
      method: 'PUT',
      headers: auth,
      body: '{"errorRate":2}',
    });
    expect(bad.status).toBe(400);
    mock.setFaults({ errorRate: 0 });
  });

  it('delays answers by delayMs', async () => {
    mock.setFaults({ delayMs: 120 });
    try {
      const started = performance.now();
      const res = await lookUp();
      expect(res.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    } finally {
      mock.setFaults({ delayMs: 0 });
    }
  });

  it('answers every request with errorStatus at errorRate 1, and counts it', async () => {
    mock.setFaults({ errorRate: 1, errorStatus: 502 });
    mock.resetStats();
    try {
      const res = await lookUp();
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({ maLoi: 'LOI_GIA_LAP' });
      expect(mock.stats().requests).toBe(1);
    } finally {
      mock.setFaults({ errorRate: 0, errorStatus: 503 });
    }
  });

  it('holds a request at timeoutRate 1 until the client gives up, then lets it go', async () => {
    mock.setFaults({ timeoutRate: 1 });
    try {
      const controller = new AbortController();
      const pending = lookUp(controller.signal);
      await vi.waitFor(() => expect(mock.heldRequests()).toBe(1));
      controller.abort();
      await expect(pending).rejects.toThrow();
      await vi.waitFor(() => expect(mock.heldRequests()).toBe(0));
    } finally {
      mock.setFaults({ timeoutRate: 0 });
    }
    expect((await lookUp()).status).toBe(200);
  });
});

describe('closing', () => {
  it('releases held requests and event streams instead of waiting for them', async () => {
    const mock = await createMock({ source: 'land', apiKey: API_KEY, faults: { timeoutRate: 1 } });
    const held = fetch(`${mock.url}/api/v1/giay-chung-nhan/tra-cuu`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ soPhatHanh: [F.landSerial] }),
    });
    const stream = await fetch(`${mock.url}/api/v1/su-kien`, { headers: auth });
    await vi.waitFor(() => expect(mock.heldRequests()).toBe(1));
    await mock.close();
    await expect(held).rejects.toThrow();
    // The stream ends (text() resolves) rather than staying open.
    expect(await stream.text()).toBe(': connected\n\n');
  });
});

describe('the other sources', () => {
  it('business, insurance and land answer their batch and list routes', async () => {
    await using business = await createMock({ source: 'business', apiKey: API_KEY });
    await using insurance = await createMock({ source: 'insurance', apiKey: API_KEY });
    await using land = await createMock({ source: 'land', apiKey: API_KEY });
    const roles = await post(business, '/api/v1/doanh-nghiep/theo-ca-nhan', {
      soDinhDanh: [F.husband, F.notFound],
    });
    expect(roles.body['ketQua']).toEqual([
      [{ maSoDoanhNghiep: F.enterprise, vaiTro: 'DAI_DIEN_PHAP_LUAT' }],
      [],
    ]);
    const branch = await post(business, '/api/v1/doanh-nghiep/tra-cuu', {
      maSoDoanhNghiep: [`${F.enterprise}-999`],
    });
    expect(branch.body['ketQua']).toEqual([null]);
    const insured = await post(insurance, '/api/v1/bhxh/theo-ca-nhan', {
      soDinhDanh: [F.husband, F.children[1]],
    });
    expect(insured.body['ketQua'][0]).toMatchObject({ soDinhDanh: F.husband, phienBan: 1 });
    expect(insured.body['ketQua'][1]).toBeNull();
    const serials = await post(land, '/api/v1/giay-chung-nhan/theo-chu-su-dung', {
      soDinhDanh: [F.wife, F.children[0]],
    });
    expect(serials.body['ketQua']).toEqual([[F.landSerial], []]);
    const byEnterprise = await post(land, '/api/v1/giay-chung-nhan/theo-chu-su-dung', {
      maSoDoanhNghiep: [F.enterprise],
    });
    expect(byEnterprise.body['ketQua']).toHaveLength(1);
    const certificate = await post(land, '/api/v1/giay-chung-nhan/tra-cuu', {
      soPhatHanh: [F.landSerial, 'AA000000'],
    });
    expect(certificate.body['ketQua'][0].nguoiSuDung).toHaveLength(2);
  });
});
