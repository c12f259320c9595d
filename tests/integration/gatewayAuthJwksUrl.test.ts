// Key rotation through AUTH_JWKS_URL, through the running gateway over HTTP: the issuer's key server
// (a local JWKS server on port 0) rotates a key in mid-test and the gateway accepts tokens signed
// with it, while a flood of made-up kids never makes the gateway fetch more than once per cooldown.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk, type SigningKey, signingKeyFromJwk } from '../../lib/keys.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack, TEST_AUDIENCE, TEST_ISSUER } from '../support/stack.ts';

const QUERY = 'query($id: ID!) { citizen(id: $id) { fullName } }';
const COOLDOWN_MS = 1000;

let served: JWK[] = [];
const fetchedAt: number[] = [];
let keyServer: Server;
let stack: Stack;
let oldKey: SigningKey;
let newKey: SigningKey;

beforeAll(async () => {
  oldKey = await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'issuer-2025-10'));
  newKey = await signingKeyFromJwk(await generateSigningJwk('PS256', 'issuer-2025-11'));
  keyServer = createServer((_req, res) => {
    fetchedAt.push(Date.now());
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: served }));
  });
  await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
  const { port } = keyServer.address() as AddressInfo;
  stack = await startStack({
    countSubgraphRequests: true,
    gatewayEnv: {
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      AUTH_JWKS_COOLDOWN_SECONDS: String(COOLDOWN_MS / 1000),
    },
  });
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  await new Promise((resolve) => keyServer?.close(resolve));
});

function sign(key: SigningKey, kid = key.kid): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: 'population:read' })
    .setProtectedHeader({ alg: key.alg, kid, typ: 'at+jwt' })
    .setIssuer(TEST_ISSUER)
    .setAudience(TEST_AUDIENCE)
    .setSubject('ubnd-hanoi.motcua')
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(key.privateKey);
}

const ask = async (token: string) => stack.query(QUERY, { id: FIXTURES.husband }, { token });

/** Lets the cooldown since the last fetch run out, so the next unknown kid may fetch again. */
async function afterCooldown(): Promise<void> {
  const last = fetchedAt.at(-1) ?? 0;
  await sleep(Math.max(0, last + COOLDOWN_MS + 50 - Date.now()));
}

describe('a JWKS URL behind the running gateway', () => {
  it('accepts a token from a key rotated in at the key server mid-test', async () => {
    served = [oldKey.publicJwk];
    const before = await ask(await sign(oldKey));
    expect(before.status).toBe(200);
    expect(before.body.errors).toBeUndefined();
    expect(fetchedAt).toHaveLength(1);

    // The issuer rotates: the new key is published, and the old one retired.
    served = [newKey.publicJwk];
    await afterCooldown();
    const after = await ask(await sign(newKey));
    expect(after.status).toBe(200);
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data?.['citizen']).toEqual({ fullName: expect.any(String) });
    expect(fetchedAt).toHaveLength(2);
  });

  it('attack: a flood of made-up kids gets 401 and at most one key fetch per cooldown', async () => {
    await afterCooldown();
    const fetchesBefore = fetchedAt.length;
    stack.resetUpstreamCounts();
    for (let i = 0; i < 20; i++) {
      const answer = await ask(await sign(newKey, `made-up-${i}`));
      expect(answer.status).toBe(401);
      expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
    // …also concurrently: one pending fetch is shared, never one per request.
    const burst = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => (await ask(await sign(newKey, `burst-${i}`))).status),
    );
    expect(burst.every((status) => status === 401)).toBe(true);
    expect(fetchedAt.length).toBeGreaterThan(fetchesBefore);
    // Whatever the speed of this machine, the key server never saw two fetches within a cooldown.
    for (let i = 1; i < fetchedAt.length; i++)
      expect(fetchedAt[i]! - fetchedAt[i - 1]!).toBeGreaterThanOrEqual(COOLDOWN_MS);
    expect(Object.values(stack.upstreamRequests())).toEqual([0, 0, 0, 0, 0]);
    expect(Object.values(stack.subgraphRequests())).toEqual([0, 0, 0, 0, 0]);
  });

  it('attack: a token signed by a key the key server has never published', async () => {
    const rogue = await signingKeyFromJwk(await generateSigningJwk('PS256', newKey.kid));
    stack.resetUpstreamCounts();
    const answer = await ask(await sign(rogue));
    expect(answer.status).toBe(401);
    expect(Object.values(stack.subgraphRequests())).toEqual([0, 0, 0, 0, 0]);
  });
});
