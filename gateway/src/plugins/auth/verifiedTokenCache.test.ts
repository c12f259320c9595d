import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateSigningJwk, signingKeyFromJwk } from '../../../../lib/keys.ts';
import type { ClientIdentity } from './clientClaims.ts';
import { cachedVerifier } from './verifiedTokenCache.ts';

async function bearer(expSeconds: number, iatSeconds: number): Promise<string> {
  const key = await signingKeyFromJwk(await generateSigningJwk('ES256', 'k'));
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuedAt(iatSeconds)
    .setExpirationTime(expSeconds)
    .sign(key.privateKey);
  return `Bearer ${token}`;
}

function counting() {
  let calls = 0;
  const identity = { clientId: 'c', scopes: [] } as unknown as ClientIdentity;
  return {
    calls: () => calls,
    verifier: {
      async verify(authorization: string | undefined) {
        calls++;
        if (!authorization) throw new Error('no token');
        return identity;
      },
    },
  };
}

describe('cachedVerifier', () => {
  it('verifies a token once while it is reused within the cache age', async () => {
    let now = 1_000_000_000_000;
    const inner = counting();
    const verifier = cachedVerifier(inner.verifier, { maxTokenAgeSeconds: 3600, now: () => now });
    const token = await bearer(now / 1000 + 600, now / 1000);
    await verifier.verify(token);
    now += 10_000;
    await verifier.verify(token);
    expect(inner.calls()).toBe(1);
    now += 25_000;
    await verifier.verify(token);
    expect(inner.calls()).toBe(2);
  });

  it('never reuses a verification past the token expiry', async () => {
    let now = 1_000_000_000_000;
    const inner = counting();
    const verifier = cachedVerifier(inner.verifier, { maxTokenAgeSeconds: 3600, now: () => now });
    const token = await bearer(now / 1000 + 5, now / 1000);
    await verifier.verify(token);
    now += 6_000;
    await verifier.verify(token);
    expect(inner.calls()).toBe(2);
  });

  it('keeps no failure', async () => {
    const inner = counting();
    const verifier = cachedVerifier(inner.verifier, { maxTokenAgeSeconds: 3600 });
    await expect(verifier.verify(undefined)).rejects.toThrow();
    await expect(verifier.verify(undefined)).rejects.toThrow();
    expect(inner.calls()).toBe(2);
  });
});
