// Key rotation through AUTH_JWKS_URL: a key rotated in at the issuer is picked up by a re-fetch on
// its unknown kid, while a flood of made-up kids cannot make the gateway hammer the key server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type JWK, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateSigningJwk, type SigningKey, signingKeyFromJwk } from '../../../../lib/keys.ts';
import { createClientTokenVerifier } from './clientTokenVerifier.ts';

const NOW = new Date('2025-11-21T03:00:00Z');
const now = Math.floor(NOW.getTime() / 1000);
const ISSUER = 'https://sso.lienthong.gov.vn';

let served: JWK[] = [];
let fetches = 0;
let server: Server;
let url: string;
let oldKey: SigningKey;
let newKey: SigningKey;

beforeAll(async () => {
  oldKey = await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'issuer-2025-10'));
  newKey = await signingKeyFromJwk(await generateSigningJwk('PS256', 'issuer-2025-11'));
  server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: served }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => {
  vi.useRealTimers();
});

const sign = (key: SigningKey, kid = key.kid) =>
  new SignJWT({ scope: 'population:read' })
    .setProtectedHeader({ alg: key.alg, kid })
    .setIssuer(ISSUER)
    .setAudience('lienthong')
    .setSubject('ubnd-cantho.motcua')
    .setIssuedAt(now - 10)
    .setExpirationTime(now + 300)
    .sign(key.privateKey);

describe('a JWKS URL', () => {
  it('re-fetches on a rotated-in kid after the cooldown, and not for a burst of unknown kids', async () => {
    // jose's cooldown reads Date.now(); token times use the verifier's own frozen clock.
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    served = [oldKey.publicJwk];
    fetches = 0;
    const verifier = createClientTokenVerifier({
      jwksUrl: url,
      issuer: ISSUER,
      clock: () => NOW,
      jwksCooldownSeconds: 30,
    });

    await expect(verifier.verify(`Bearer ${await sign(oldKey)}`)).resolves.toMatchObject({
      clientId: 'ubnd-cantho.motcua',
    });
    expect(fetches).toBe(1);

    // The issuer rotates: the new key is served from now on.
    served = [oldKey.publicJwk, newKey.publicJwk];
    const rotated = `Bearer ${await sign(newKey)}`;

    // Within the cooldown an unknown kid is refused without asking the key server.
    await expect(verifier.verify(rotated)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(fetches).toBe(1);

    vi.setSystemTime(NOW.getTime() + 31_000);
    await expect(verifier.verify(rotated)).resolves.toMatchObject({ clientId: 'ubnd-cantho.motcua' });
    expect(fetches).toBe(2);

    // An attacker floods made-up kids right after a fetch: no fetch at all during the cooldown…
    const forged = await Promise.all(Array.from({ length: 25 }, (_, i) => sign(newKey, `made-up-${i}`)));
    const burst = await Promise.allSettled(forged.map((t) => verifier.verify(`Bearer ${t}`)));
    expect(burst.every((r) => r.status === 'rejected')).toBe(true);
    expect(fetches).toBe(2);

    // …and once it is over, one fetch for the whole concurrent burst.
    vi.setSystemTime(NOW.getTime() + 62_000);
    const second = await Promise.allSettled(forged.map((t) => verifier.verify(`Bearer ${t}`)));
    expect(second.every((r) => r.status === 'rejected')).toBe(true);
    expect(fetches).toBe(3);

    // Known keys keep working from the cache.
    await expect(verifier.verify(`Bearer ${await sign(oldKey)}`)).resolves.toBeDefined();
    expect(fetches).toBe(3);
  });

  it('tries the local keys first and the URL only when no local key matches', async () => {
    served = [newKey.publicJwk];
    fetches = 0;
    const verifier = createClientTokenVerifier({
      jwks: { keys: [oldKey.publicJwk] },
      jwksUrl: url,
      issuer: ISSUER,
      clock: () => NOW,
    });
    await expect(verifier.verify(`Bearer ${await sign(oldKey)}`)).resolves.toBeDefined();
    expect(fetches).toBe(0);
    await expect(verifier.verify(`Bearer ${await sign(newKey)}`)).resolves.toBeDefined();
    expect(fetches).toBe(1);
  });

  it('rejects, without leaking why, when the key server is unreachable', async () => {
    // A port that was free a moment ago: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const verifier = createClientTokenVerifier({
      jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
      issuer: ISSUER,
      clock: () => NOW,
      jwksTimeoutMs: 2000,
    });
    const error = await verifier.verify(`Bearer ${await sign(newKey)}`).catch((e: unknown) => e);
    expect(error).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect((error as Error).message).not.toContain('127.0.0.1');
  });
});
