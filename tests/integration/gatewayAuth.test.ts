// Attacks on client authentication, through the running gateway over HTTP. Each forged, stale or
// misdirected token must end in 401 UNAUTHENTICATED before anything is planned or fetched: the
// national databases' counters and the subgraph request counters both stay at zero.
import { createHmac, createPublicKey } from 'node:crypto';
import { type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk, type SigningKey, signingKeyFromJwk } from '../../lib/keys.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack, TEST_AUDIENCE, TEST_ISSUER } from '../support/stack.ts';

const QUERY = `query($id: ID!) { citizen(id: $id) { fullName socialInsurance { code } } }`;
const VARIABLES = { id: FIXTURES.husband };
const SCOPE = 'population:read insurance:read';

let stack: Stack;
let rsa: SigningKey;
let attacker: SigningKey;

beforeAll(async () => {
  rsa = await signingKeyFromJwk(await generateSigningJwk('RS256', 'issuer-rsa-1'));
  attacker = await signingKeyFromJwk(await generateSigningJwk('ES256', 'attacker-key'));
  stack = await startStack({
    extraClientKeys: [rsa.publicJwk],
    countSubgraphRequests: true,
    gatewayEnv: { AUTH_REQUIRED_TYP: 'at+jwt', AUTH_MAX_TOKEN_AGE_SECONDS: '3600' },
  });
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

interface Forge {
  readonly key?: SigningKey;
  readonly header?: Record<string, unknown>;
  readonly claims?: Record<string, unknown>;
  /** Claims to leave out of the defaults. */
  readonly omit?: readonly string[];
}

/** A token signed with `key` (default the trusted ES256 key) with the given header and claims. */
async function forge(options: Forge = {}): Promise<string> {
  const key = options.key ?? stack.clientKey;
  const claims: Record<string, unknown> = { ...validClaims(), ...options.claims };
  for (const name of options.omit ?? []) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...options.header } as never)
    .sign(key.privateKey);
}

function validClaims(): Record<string, unknown> {
  const now = nowSeconds();
  return {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    sub: 'ubnd-cantho.motcua',
    scope: SCOPE,
    iat: now,
    exp: now + 600,
  };
}

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function hs256(header: Record<string, unknown>, claims: Record<string, unknown>, secret: string): string {
  const signingInput = `${part(header)}.${part(claims)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

async function expectRefused(token: string | null, authorization?: string): Promise<void> {
  stack.resetUpstreamCounts();
  const answer = await stack.query(QUERY, VARIABLES, {
    token,
    ...(authorization ? { headers: { authorization } } : {}),
  });
  expect(answer.status).toBe(401);
  expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
  // Says what to fix, never which check failed inside jose or what the token held.
  expect(answer.text).not.toMatch(/ERR_|jose|JWS|stack|ubnd-cantho|issuer-rsa|attacker/i);
  expect(Object.values(stack.upstreamRequests())).toEqual([0, 0, 0, 0, 0]);
  expect(Object.values(stack.subgraphRequests())).toEqual([0, 0, 0, 0, 0]);
}

describe('client tokens through the gateway', () => {
  it('serves a valid token, and the counters see its requests (control)', async () => {
    stack.resetUpstreamCounts();
    const answer = await stack.query(QUERY, VARIABLES, { token: await forge() });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(stack.upstreamRequests().population).toBeGreaterThan(0);
    expect(stack.subgraphRequests().population).toBeGreaterThan(0);
    expect(stack.subgraphRequests().insurance).toBeGreaterThan(0);
  });

  it('serves a valid RS256 token from the RSA key the JWKS also holds (control)', async () => {
    const answer = await stack.query(QUERY, VARIABLES, { token: await forge({ key: rsa }) });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  it('attack: no token at all', () => expectRefused(null));

  it('attack: a token under another scheme, or garbage', async () => {
    await expectRefused(null, `Basic ${Buffer.from('admin:admin').toString('base64')}`);
    await expectRefused('not-a-jwt');
    await expectRefused(`${'a'.repeat(5000)}.${'b'.repeat(5000)}.c`);
  });

  it('attack: an unsigned token (alg none)', async () => {
    await expectRefused(`${part({ alg: 'none', typ: 'at+jwt' })}.${part(validClaims())}.`);
    // …naming a trusted kid, and in other spellings of none.
    for (const alg of ['none', 'None', 'NONE', 'nOnE'])
      await expectRefused(
        `${part({ alg, kid: stack.clientKey.kid, typ: 'at+jwt' })}.${part(validClaims())}.`,
      );
  });

  it('attack: HS256 signed with the trusted RSA public key as the secret', async () => {
    const publicJwk = rsa.publicJwk as JWK;
    const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    for (const secret of [pem, JSON.stringify(publicJwk), publicJwk.n ?? '']) {
      await expectRefused(hs256({ alg: 'HS256', kid: rsa.kid, typ: 'at+jwt' }, validClaims(), secret));
      await expectRefused(hs256({ alg: 'HS256', typ: 'at+jwt' }, validClaims(), secret));
    }
  });

  it('attack: a token signed by an untrusted key', async () => {
    await expectRefused(await forge({ key: attacker }));
    // …even when it claims the trusted key's kid.
    await expectRefused(await forge({ key: attacker, header: { kid: stack.clientKey.kid } }));
  });

  it('attack: a kid pointing nowhere', async () => {
    await expectRefused(await forge({ header: { kid: 'no-such-key' } }));
    await expectRefused(await forge({ header: { kid: '../../../../etc/passwd' } }));
  });

  it('attack: a jku header pointing at the attacker’s key set', async () => {
    await expectRefused(
      await forge({ key: attacker, header: { jku: 'https://attacker.example/jwks.json' } }),
    );
    // Refused even when the signature itself is good: the header alone is a reason.
    await expectRefused(await forge({ header: { jku: 'https://attacker.example/jwks.json' } }));
  });

  it('attack: an x5u header pointing at the attacker’s certificate', async () => {
    await expectRefused(await forge({ key: attacker, header: { x5u: 'https://attacker.example/cert.pem' } }));
    await expectRefused(await forge({ header: { x5u: 'https://attacker.example/cert.pem' } }));
  });

  it('attack: an embedded jwk header carrying the signer’s own key', async () => {
    await expectRefused(await forge({ key: attacker, header: { jwk: attacker.publicJwk } }));
    await expectRefused(await forge({ header: { jwk: stack.clientKey.publicJwk } }));
  });

  it('attack: an expired token', async () => {
    const now = nowSeconds();
    await expectRefused(await forge({ claims: { iat: now - 1200, exp: now - 600 } }));
  });

  it('attack: nbf in the future beyond the clock tolerance', async () => {
    await expectRefused(await forge({ claims: { nbf: nowSeconds() + 600 } }));
  });

  it('attack: a wrong issuer', async () => {
    await expectRefused(await forge({ claims: { iss: 'https://idp.attacker.example' } }));
    await expectRefused(await forge({ omit: ['iss'] }));
  });

  it('attack: a wrong audience', async () => {
    await expectRefused(await forge({ claims: { aud: 'another-service' } }));
    await expectRefused(await forge({ omit: ['aud'] }));
  });

  it('attack: a missing exp', async () => {
    await expectRefused(await forge({ omit: ['exp'] }));
  });

  it('attack: a lifetime over the maximum', async () => {
    const now = nowSeconds();
    await expectRefused(await forge({ claims: { iat: now, exp: now + 7200 } }));
    // …or an issue time dropped so that exp − iat looks short but the token is old.
    await expectRefused(await forge({ claims: { iat: now - 7200, exp: now + 600 } }));
    await expectRefused(await forge({ omit: ['iat'] }));
  });

  it('attack: a tampered payload (scope widened after signing)', async () => {
    const [header, , signature] = (await forge({ claims: { scope: 'population:read' } })).split('.');
    const widened = part({ ...validClaims(), scope: 'population:read population:sensitive audit:read' });
    await expectRefused(`${header}.${widened}.${signature}`);
  });

  it('attack: an ID token (typ JWT) presented as an access token', async () => {
    await expectRefused(await forge({ header: { typ: 'JWT' } }));
    await expectRefused(await forge({ header: { typ: undefined } }));
  });

  it('attack: a token for another subject kind (citizen:self with a client id as sub)', async () => {
    await expectRefused(await forge({ claims: { scope: 'citizen:self', sub: 'ubnd-cantho.motcua' } }));
  });
});
