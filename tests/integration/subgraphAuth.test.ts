// Attacks on the gateway → subgraph trust link: every one is refused with 401 before anything runs.

import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_ISSUER, internalAudience, signInternalToken } from '../../lib/internalToken.ts';
import { generateSigningJwk, signingKeyFromJwk } from '../../lib/keys.ts';
import { sampleCitizenIds } from '../../mocks/data/samples.ts';
import { postGraphQL } from '../support/internalTokens.ts';
import { type SourceStack, startSourceStack } from './subgraphStack.ts';

const [ID] = sampleCitizenIds(1);
const QUERY = `{ citizen(id: "${ID}") { fullName } }`;
const CALLER = { clientId: 'attacker', requestId: 'r1', scopes: ['population:read'] };

describe('population subgraph trust link', () => {
  let stack: SourceStack;

  beforeAll(async () => {
    stack = await startSourceStack('population');
  });
  afterAll(async () => {
    await stack[Symbol.asyncDispose]();
  });

  async function expectRefused(token: string | undefined) {
    stack.mock.resetStats();
    const answer = await postGraphQL(stack.subgraph.url, token, QUERY);
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(answer.body.data).toBeUndefined();
    expect(stack.upstreamRequests()).toBe(0);
  }

  it('serves a request with a valid internal token', async () => {
    const answer = await stack.query(['population:read'], QUERY);
    expect(answer.status).toBe(200);
    expect(answer.body.data?.['citizen']).toEqual({ fullName: expect.any(String) });
  });

  it('attack: no token', () => expectRefused(undefined));

  it('attack: a token that is not a JWT', () => expectRefused('not-a-token'));

  it('attack: a token signed with a key the subgraph does not trust', async () => {
    const rogue = await signingKeyFromJwk(await generateSigningJwk('EdDSA', stack.signer.key.kid));
    await expectRefused(await signInternalToken(rogue, CALLER, 'population'));
  });

  it('attack: an expired token', async () => {
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    await expectRefused(await signInternalToken(stack.signer.key, CALLER, 'population', tenMinutesAgo));
  });

  it('attack: a token minted for another subgraph (wrong audience)', async () => {
    await expectRefused(await signInternalToken(stack.signer.key, CALLER, 'business'));
  });

  it('attack: a token with a tampered payload', async () => {
    const token = await signInternalToken(stack.signer.key, CALLER, 'population');
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(
      JSON.stringify({ ...claims, scope: 'population:read population:sensitive' }),
    ).toString('base64url');
    await expectRefused(`${header}.${forged}.${signature}`);
  });

  it('refuses GET on /graphql and answers 404 elsewhere', async () => {
    const get = await fetch(`${stack.subgraph.url}?query=${encodeURIComponent(QUERY)}`);
    expect(get.status).toBe(405);
    await get.body?.cancel();
    const other = await fetch(`${stack.subgraph.baseUrl}/other`, { method: 'POST' });
    expect(other.status).toBe(404);
    await other.body?.cancel();
  });

  it('refuses a body over the limit with 413', async () => {
    const token = await stack.signer.token('population', ['population:read']);
    const answer = await fetch(stack.subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY, padding: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(answer.status).toBe(413);
    await answer.body?.cancel();
  });

  it('attack: a token signed to live longer than 30 seconds', async () => {
    const now = Math.floor(Date.now() / 1000);
    const longLived = await new SignJWT({ scope: 'population:read', rid: 'r1' })
      .setProtectedHeader({
        alg: stack.signer.key.alg,
        kid: stack.signer.key.kid,
        typ: 'lienthong-internal+jwt',
      })
      .setIssuer(INTERNAL_ISSUER)
      .setAudience(internalAudience('population'))
      .setSubject('attacker')
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(stack.signer.key.privateKey);
    await expectRefused(longLived);
  });

  it("attack: an ordinary token asks for the subgraph's whole SDL through _service", async () => {
    const answer = await stack.query(['population:read'], '{ _service { sdl } }');
    expect(answer.body.data?.['_service'] ?? null).toBeNull();
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(JSON.stringify(answer.body)).not.toContain('type Citizen');
    const composer = await stack.query(['schema:compose'], '{ _service { sdl } }');
    expect(JSON.stringify(composer.body)).toContain('type Citizen');
  });

  it('does not answer introspection', async () => {
    const answer = await stack.query(['population:read'], '{ __schema { types { name } } }');
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('serves /healthz, /readyz and /metrics without a token', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const response = await fetch(`${stack.subgraph.baseUrl}${path}`);
      expect(response.status, path).toBe(200);
      await response.body?.cancel();
    }
  });
});
