import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDevKey } from '../../../../lib/keys.ts';
import { createClientTokenVerifier } from './clientTokenVerifier.ts';
import { DEV_CLIENT_KEY_ALG, DEV_CLIENT_KEY_NAME, mintDevToken } from './devToken.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('mintDevToken', () => {
  it('mints a token the gateway accepts with the dev key and dev issuer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lienthong-devkey-'));
    dirs.push(dir);
    const key = await ensureDevKey(DEV_CLIENT_KEY_NAME, DEV_CLIENT_KEY_ALG, dir);
    const nowSeconds = 1_763_694_000;
    const token = await mintDevToken(key, {
      sub: 'ubnd-hanoi.motcua',
      scope: ['population:read', 'results:read'],
      officer: 'can-bo-0042',
      ttlSeconds: 900,
      issuer: 'lienthong-dev',
      audience: 'lienthong',
      nowSeconds,
    });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: key.kid });
    const verifier = createClientTokenVerifier({
      issuer: undefined,
      devIssuer: 'lienthong-dev',
      extraKeys: [key.publicJwk],
      clock: () => new Date((nowSeconds + 60) * 1000),
    });
    const identity = await verifier.verify(`Bearer ${token}`);
    expect(identity).toMatchObject({
      clientId: 'ubnd-hanoi.motcua',
      officer: 'can-bo-0042',
      expiresAt: nowSeconds + 900,
    });
    expect([...identity.scopes]).toEqual(['population:read', 'results:read']);
    expect(identity.tokenId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
