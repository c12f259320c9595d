import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { signCompact } from './compactJws.ts';
import { generateSigningJwk, type SigningAlgorithm, signingKeyFromJwk, toJwks } from './keys.ts';

const ALGORITHMS: readonly SigningAlgorithm[] = ['EdDSA', 'ES256', 'RS256', 'PS256'];

describe('compact JWS signed with node:crypto', () => {
  it.each(ALGORITHMS)('%s: jose verifies it and reads the header and payload as signed', async (alg) => {
    const key = await signingKeyFromJwk(await generateSigningJwk(alg));
    const payload = JSON.stringify({ sha256: 'ab'.repeat(32), rid: 'r-1', sub: 'Bộ Tư pháp' });
    const jws = signCompact(key, 'lienthong-test+jws', payload);
    const verified = await compactVerify(jws, createLocalJWKSet(toJwks([key.publicJwk])), {
      algorithms: [alg],
    });
    expect(new TextDecoder().decode(verified.payload)).toBe(payload);
    expect(verified.protectedHeader).toEqual({ alg, kid: key.kid, typ: 'lienthong-test+jws' });
  });

  it.each(ALGORITHMS)('%s: a changed payload or a signature by another key does not verify', async (alg) => {
    const key = await signingKeyFromJwk(await generateSigningJwk(alg));
    const other = await signingKeyFromJwk({ ...(await generateSigningJwk(alg)), kid: key.kid });
    const jwks = createLocalJWKSet(toJwks([key.publicJwk]));
    const [header, , signature] = signCompact(key, 't', '{"n":1}').split('.');
    const altered = `${header}.${Buffer.from('{"n":2}').toString('base64url')}.${signature}`;
    await expect(compactVerify(altered, jwks)).rejects.toThrow();
    await expect(compactVerify(signCompact(other, 't', '{"n":1}'), jwks)).rejects.toThrow();
    expect(decodeProtectedHeader(altered).kid).toBe(key.kid);
  });
});
