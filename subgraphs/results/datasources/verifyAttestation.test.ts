import { CompactSign } from 'jose';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSigningJwk, type SigningKey, signingKeyFromJwk, toJwks } from '../../../lib/keys.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { createMetrics } from '../../../lib/metrics.ts';
import { createUpstreamClient } from '../../common/upstreamClient.ts';
import { createRegistryKeys, REGISTRY_JWKS_PATH, type RegistryKeys } from './registryKeys.ts';
import { verifyAttestation } from './verifyAttestation.ts';

const ORIGIN = 'http://registry.test';
const RESULT = {
  maKetQua: 'KS-92-2025-004213',
  maThuTuc: '1.001193',
  trichYeu: 'Trích lục khai sinh',
  coQuanCap: { ma: '31135', ten: 'UBND Phường Ninh Kiều', maTinh: '92' },
  ngayCap: '2025-03-02',
  coGiaTriDen: null,
  trangThai: 'CON_HIEU_LUC',
  doiTuong: { loai: 'CONG_DAN', ma: '092203000123' },
  maBamTaiLieu: 'ab'.repeat(32),
};

const sign = (key: SigningKey, payload: unknown) =>
  new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'ket-qua+jws' })
    .sign(key.privateKey);

describe('verifyAttestation with the registry keys', () => {
  let agent: MockAgent;
  let key: SigningKey;
  let now: number;
  let keys: RegistryKeys;

  beforeEach(async () => {
    agent = new MockAgent();
    agent.disableNetConnect();
    key = await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'registry-1'));
    now = 1_000_000;
    const client = createUpstreamClient({
      source: 'results',
      baseUrl: ORIGIN,
      apiKey: 'k',
      timeoutMs: 500,
      dispatcher: agent,
      metrics: createMetrics('test'),
      logger: silentLogger(),
    });
    keys = createRegistryKeys({ client, cooldownMs: 30_000, maxAgeMs: 600_000, clock: () => now });
  });

  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  const serveKeys = (...signing: SigningKey[]) =>
    agent
      .get(ORIGIN)
      .intercept({ path: REGISTRY_JWKS_PATH, method: 'GET' })
      .reply(200, toJwks(signing.map((k) => k.publicJwk)));

  it('accepts the registry’s signature and translates the claims', async () => {
    serveKeys(key);
    const check = await verifyAttestation(await sign(key, RESULT), keys.getKey);
    expect(check).toEqual({
      valid: true,
      reason: null,
      keyId: 'registry-1',
      signedAt: null,
      claims: {
        code: 'KS-92-2025-004213',
        procedureCode: '1.001193',
        title: 'Trích lục khai sinh',
        agencyCode: '31135',
        issuedAt: '2025-03-02',
        validUntil: null,
        status: 'VALID',
        subjectKind: 'CITIZEN',
        subjectId: '092203000123',
        documentSha256: 'ab'.repeat(32),
      },
    });
  });

  it('fetches the keys once for many verifications', async () => {
    serveKeys(key);
    const token = await sign(key, RESULT);
    for (let i = 0; i < 5; i++) expect((await verifyAttestation(token, keys.getKey)).valid).toBe(true);
  });

  it('re-fetches on an unknown kid after a rotation, but at most once per cooldown', async () => {
    serveKeys(key);
    expect((await verifyAttestation(await sign(key, RESULT), keys.getKey)).valid).toBe(true);
    const rotated = await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'registry-2'));
    const token = await sign(rotated, RESULT);
    // Within the cooldown: no fetch, unknown key.
    expect(await verifyAttestation(token, keys.getKey)).toMatchObject({
      valid: false,
      reason: 'UNKNOWN_KEY',
    });
    now += 30_000;
    serveKeys(key, rotated);
    expect((await verifyAttestation(token, keys.getKey)).valid).toBe(true);
  });

  it('answers KEYS_UNAVAILABLE when the registry cannot give its keys', async () => {
    agent.get(ORIGIN).intercept({ path: REGISTRY_JWKS_PATH, method: 'GET' }).reply(503, 'down');
    const check = await verifyAttestation(await sign(key, RESULT), keys.getKey);
    expect(check).toMatchObject({ valid: false, reason: 'KEYS_UNAVAILABLE', keyId: 'registry-1' });
  });

  it('answers EXPIRED for a token past its exp, with its claims', async () => {
    serveKeys(key);
    const check = await verifyAttestation(await sign(key, { ...RESULT, exp: 1 }), keys.getKey);
    expect(check).toMatchObject({ valid: false, reason: 'EXPIRED', claims: { code: RESULT.maKetQua } });
  });

  it('attack: alg "none" is ALGORITHM_NOT_ALLOWED and a non-JSON token MALFORMED, without a key lookup', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    expect(await verifyAttestation(none, keys.getKey)).toMatchObject({
      valid: false,
      reason: 'ALGORITHM_NOT_ALLOWED',
    });
    expect(await verifyAttestation('%%%.%%%.%%%', keys.getKey)).toMatchObject({ reason: 'MALFORMED' });
  });
});
