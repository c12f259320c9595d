// Each test is one attack on client-token verification, with a frozen clock.
import { createHmac, createPublicKey } from 'node:crypto';
import { base64url, type JWK, type JWTPayload, SignJWT } from 'jose';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lib/errors.ts';
import { generateSigningJwk, type SigningKey, signingKeyFromJwk } from '../../../../lib/keys.ts';
import { type ClientTokenVerifierOptions, createClientTokenVerifier } from './clientTokenVerifier.ts';

const NOW = new Date('2025-11-21T03:00:00Z');
const now = Math.floor(NOW.getTime() / 1000);
const ISSUER = 'https://sso.lienthong.gov.vn';

let rsa: SigningKey;
let ec: SigningKey;
let attacker: SigningKey;
beforeAll(async () => {
  rsa = await signingKeyFromJwk(await generateSigningJwk('RS256', 'rsa-1'));
  ec = await signingKeyFromJwk(await generateSigningJwk('ES256', 'ec-1'));
  attacker = await signingKeyFromJwk(await generateSigningJwk('ES256', 'attacker-1'));
});

const baseClaims = (): JWTPayload => ({
  iss: ISSUER,
  aud: 'lienthong',
  sub: 'ubnd-hanoi.motcua',
  scope: 'population:read results:read',
  officer: 'can-bo-0042',
  jti: 'a1b2c3',
  iat: now - 60,
  exp: now + 600,
});

async function sign(
  key: SigningKey,
  claims: JWTPayload = baseClaims(),
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey);
}

let reasons: string[] = [];
const reasonLogger = pino(
  { level: 'info' },
  { write: (line: string) => reasons.push(JSON.parse(line).reason) },
);

function verifier(options: Partial<ClientTokenVerifierOptions> = {}) {
  return createClientTokenVerifier({
    jwks: { keys: [rsa.publicJwk, ec.publicJwk] },
    issuer: ISSUER,
    clock: () => NOW,
    logger: reasonLogger,
    ...options,
  });
}

async function rejection(promise: Promise<unknown>): Promise<{ code: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { extensions?: { code?: unknown }; message: string };
    return { code: e.extensions?.code, message: e.message };
  }
  throw new Error('expected the token to be rejected');
}

/** Asserts an UNAUTHENTICATED rejection whose logged reason is `reason` (a jose code or our own). */
async function expectRejected(
  token: string,
  reason: string,
  options: Partial<ClientTokenVerifierOptions> = {},
) {
  reasons = [];
  const { code, message } = await rejection(verifier(options).verify(`Bearer ${token}`));
  expect(code).toBe('UNAUTHENTICATED');
  expect(reasons).toEqual([reason]);
  expect(message).not.toMatch(/kid|ERR_|jose|\bat\b|sso\./i);
  return message;
}

function unsigned(header: object, payload: object): string {
  const enc = (o: object) => base64url.encode(JSON.stringify(o));
  return `${enc(header)}.${enc(payload)}`;
}

function hs256(header: object, payload: object, secret: string | Buffer): string {
  const input = unsigned(header, payload);
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe('a valid token', () => {
  it('gives the client identity with known scopes only', async () => {
    const claims = { ...baseClaims(), scope: 'population:read results:read admin:everything' };
    for (const key of [rsa, ec]) {
      const identity = await verifier().verify(`Bearer ${await sign(key, claims)}`);
      expect(identity.clientId).toBe('ubnd-hanoi.motcua');
      expect(identity.officer).toBe('can-bo-0042');
      expect(identity.tokenId).toBe('a1b2c3');
      expect(identity.expiresAt).toBe(now + 600);
      expect([...identity.scopes].sort()).toEqual(['population:read', 'results:read']);
    }
  });

  it('accepts nbf in the future within the clock tolerance', async () => {
    await expect(
      verifier().verify(`Bearer ${await sign(ec, { ...baseClaims(), nbf: now + 20 })}`),
    ).resolves.toBeDefined();
  });
});

describe('rejects', () => {
  it('no header, a non-bearer scheme, or garbage', async () => {
    for (const header of [
      undefined,
      'Basic dXNlcjpwYXNz',
      'Bearer',
      'Bearer a.b',
      `Bearer ${'x'.repeat(9000)}`,
    ]) {
      const { code } = await rejection(verifier().verify(header));
      expect(code).toBe('UNAUTHENTICATED');
    }
  });

  it('alg none', async () => {
    await expectRejected(
      `${unsigned({ alg: 'none', typ: 'JWT' }, baseClaims())}.`,
      'ERR_JOSE_ALG_NOT_ALLOWED',
    );
    await expectRejected(
      `${unsigned({ alg: 'none', kid: 'rsa-1' }, baseClaims())}.`,
      'ERR_JOSE_ALG_NOT_ALLOWED',
    );
  });

  it('HS256 signed with the RSA public key in PEM form as the secret', async () => {
    const pem = createPublicKey({ key: rsa.publicJwk as never, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    await expectRejected(
      hs256({ alg: 'HS256', kid: 'rsa-1' }, baseClaims(), pem.toString()),
      'ERR_JOSE_ALG_NOT_ALLOWED',
    );
    await expectRejected(hs256({ alg: 'HS256' }, baseClaims(), pem.toString()), 'ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it('HS256 signed with the RSA public key in JWK form as the secret', async () => {
    await expectRejected(
      hs256({ alg: 'HS256', kid: 'rsa-1' }, baseClaims(), JSON.stringify(rsa.publicJwk)),
      'ERR_JOSE_ALG_NOT_ALLOWED',
    );
  });

  it('a token signed by an untrusted key', async () => {
    await expectRejected(await sign(attacker), 'ERR_JWKS_NO_MATCHING_KEY');
  });

  it('an untrusted key claiming a trusted kid', async () => {
    await expectRejected(
      await sign(attacker, baseClaims(), { kid: 'ec-1' }),
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    );
  });

  it('a kid pointing nowhere', async () => {
    await expectRejected(await sign(ec, baseClaims(), { kid: 'no-such-key' }), 'ERR_JWKS_NO_MATCHING_KEY');
  });

  it('a jku header, even on a correctly signed token', async () => {
    await expectRejected(
      await sign(ec, baseClaims(), { jku: 'https://attacker.example/jwks.json' }),
      'KEY_POINTING_HEADER',
    );
  });

  it('an x5u header', async () => {
    await expectRejected(
      await sign(ec, baseClaims(), { x5u: 'https://attacker.example/cert.pem' }),
      'KEY_POINTING_HEADER',
    );
  });

  it('an embedded jwk header carrying the signer’s own key', async () => {
    await expectRejected(
      await sign(attacker, baseClaims(), { jwk: attacker.publicJwk, kid: undefined }),
      'KEY_POINTING_HEADER',
    );
  });

  it('an x5c header', async () => {
    await expectRejected(await sign(ec, baseClaims(), { x5c: ['MIIB'] }), 'KEY_POINTING_HEADER');
  });

  it('an expired token', async () => {
    const message = await expectRejected(
      await sign(ec, { ...baseClaims(), iat: now - 700, exp: now - 31 }),
      'ERR_JWT_EXPIRED',
    );
    expect(message).toMatch(/expired/);
  });

  it('nbf in the future beyond the tolerance', async () => {
    await expectRejected(
      await sign(ec, { ...baseClaims(), nbf: now + 31 }),
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    );
  });

  it('iat in the future beyond the tolerance', async () => {
    await expectRejected(
      await sign(ec, { ...baseClaims(), iat: now + 120, exp: now + 600 }),
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    );
  });

  it('a wrong issuer', async () => {
    await expectRejected(
      await sign(ec, { ...baseClaims(), iss: 'https://sso.attacker.example' }),
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    );
  });

  it('a wrong audience', async () => {
    await expectRejected(
      await sign(ec, { ...baseClaims(), aud: 'another-service' }),
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    );
  });

  it('a missing exp', async () => {
    const { exp: _, ...claims } = baseClaims();
    await expectRejected(await sign(ec, claims), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('a missing sub', async () => {
    const { sub: _, ...claims } = baseClaims();
    await expectRejected(await sign(ec, claims), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('a missing iat', async () => {
    const { iat: _, ...claims } = baseClaims();
    await expectRejected(await sign(ec, claims), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('a lifetime over the maximum', async () => {
    await expectRejected(
      await sign(ec, { ...baseClaims(), iat: now - 10, exp: now + 365 * 86_400 }),
      'lifetime_too_long',
    );
  });

  it('a token older than the maximum age', async () => {
    await expectRejected(
      await sign(ec, { ...baseClaims(), iat: now - 3700, exp: now + 60 }),
      'ERR_JWT_EXPIRED',
      {
        maxTokenAgeSeconds: 3600,
      },
    );
  });

  it('a tampered payload', async () => {
    const [header, , signature] = (await sign(ec)).split('.');
    const payload = base64url.encode(
      JSON.stringify({ ...baseClaims(), scope: 'population:read population:sensitive' }),
    );
    await expectRejected(`${header}.${payload}.${signature}`, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('a wrong typ when one is required', async () => {
    await expectRejected(await sign(ec, baseClaims(), { typ: 'JWT' }), 'ERR_JWT_CLAIM_VALIDATION_FAILED', {
      requiredTyp: 'at+jwt',
    });
    await expect(
      verifier({ requiredTyp: 'at+jwt' }).verify(`Bearer ${await sign(ec, baseClaims(), { typ: 'at+jwt' })}`),
    ).resolves.toBeDefined();
  });

  it('a sub that is not a client id', async () => {
    for (const sub of ['', 'a b', 'x'.repeat(129), 'client\nforged-log-line', '../../etc']) {
      await expectRejected(await sign(ec, { ...baseClaims(), sub }), 'sub_malformed');
    }
  });

  it('an officer claim with control characters, bidi overrides, or too long', async () => {
    for (const officer of ['a\u0000b', 'abc\u202Eevil', 'x'.repeat(129), 42, '']) {
      await expectRejected(await sign(ec, { ...baseClaims(), officer }), 'officer_malformed');
    }
  });

  it('a scope claim that is not a string', async () => {
    await expectRejected(await sign(ec, { ...baseClaims(), scope: ['population:read'] }), 'scope_malformed');
  });

  it('a citizen token whose sub is not a citizen id', async () => {
    await expectRejected(
      await sign(ec, { ...baseClaims(), scope: 'citizen:self', sub: 'ubnd-hanoi.motcua' }),
      'citizen_sub_malformed',
    );
    await expectRejected(
      await sign(ec, { ...baseClaims(), scope: 'citizen:self', sub: '999089012345' }),
      'citizen_sub_malformed',
    );
  });

  it('a citizen token that also carries a client system’s scope', async () => {
    await expectRejected(
      await sign(ec, { ...baseClaims(), scope: 'citizen:self population:read', sub: '001089012345' }),
      'citizen_scope_mixed',
    );
  });

  it('a dev-key token claiming the production issuer', async () => {
    const options = {
      jwks: { keys: [rsa.publicJwk] },
      extraKeys: [ec.publicJwk],
      devIssuer: 'lienthong-dev',
    };
    await expectRejected(await sign(ec), 'ERR_JWT_CLAIM_VALIDATION_FAILED', options);
    const devToken = await sign(ec, { ...baseClaims(), iss: 'lienthong-dev' });
    await expect(verifier(options).verify(`Bearer ${devToken}`)).resolves.toBeDefined();
  });
});

describe('accepts', () => {
  it('a citizen token for a well-formed citizen id', async () => {
    const token = await sign(ec, { ...baseClaims(), scope: 'citizen:self', sub: '001089012345' });
    const identity = await verifier().verify(`Bearer ${token}`);
    expect([...identity.scopes]).toEqual(['citizen:self']);
  });
});

describe('logging', () => {
  it('logs the jose error code and nothing of the token', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const token = await sign(ec, { ...baseClaims(), iat: now - 700, exp: now - 100 });
    await rejection(verifier({ logger }).verify(`Bearer ${token}`));
    expect(lines.join('')).toContain('ERR_JWT_EXPIRED');
    expect(lines.join('')).not.toContain(token.slice(0, 20));
    expect(lines.join('')).not.toContain('ubnd-hanoi');
  });
});

describe('configuration', () => {
  const problems = (options: Partial<ClientTokenVerifierOptions>) => {
    try {
      createClientTokenVerifier({ issuer: ISSUER, ...options });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems.join('\n');
    }
    throw new Error('expected a ConfigError');
  };

  it('refuses a symmetric key in the trusted set', () => {
    expect(problems({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' }] } })).toMatch(
      /AUTH_JWKS_FILE.*symmetric/,
    );
  });

  it('refuses a private key in the trusted set', async () => {
    const jwk = (await generateSigningJwk('ES256', 'p')) as JWK;
    expect(problems({ jwks: { keys: [jwk] } })).toMatch(/AUTH_JWKS_FILE.*private/);
  });

  it('refuses a key for an algorithm outside the allow-list', () => {
    expect(problems({ jwks: { keys: [{ ...rsa.publicJwk, alg: 'RS512' }] } })).toMatch(/RS512/);
  });

  it('needs a key source and an issuer', () => {
    expect(problems({})).toMatch(/AUTH_JWKS_URL or AUTH_JWKS_FILE/);
    expect(problems({ issuer: undefined, jwks: { keys: [rsa.publicJwk] } })).toMatch(/AUTH_ISSUER/);
  });

  it('names a missing AUTH_JWKS_FILE', () => {
    expect(problems({ jwksFile: '/nonexistent/jwks.json' })).toMatch(/AUTH_JWKS_FILE.*ENOENT/);
  });
});
