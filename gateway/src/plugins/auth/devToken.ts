// Client tokens for dev mode (`npm run token`): signed with the dev client key that the gateway
// trusts only when LIENTHONG_DEV=1, so they open nothing in production.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from '../../../../lib/keys.ts';

/** The dev client key's name under data/keys/ (see lib/keys.ts `ensureDevKey`). */
export const DEV_CLIENT_KEY_NAME = 'client-dev';
export const DEV_CLIENT_KEY_ALG = 'ES256';

export interface DevTokenClaims {
  /** The client system's id, or a citizen id with scope citizen:self. */
  readonly sub: string;
  /** Scopes, space-separated or as a list. */
  readonly scope: string | readonly string[];
  readonly officer?: string | undefined;
  /** The agency code the client issues results as (claim `agency`). */
  readonly agency?: string | undefined;
  /** Lifetime in seconds; keep it within the gateway's AUTH_MAX_TOKEN_AGE_SECONDS. */
  readonly ttlSeconds: number;
  readonly issuer: string;
  readonly audience: string;
  /** Issue time, epoch seconds; default now. */
  readonly nowSeconds?: number;
}

export async function mintDevToken(key: SigningKey, claims: DevTokenClaims): Promise<string> {
  const scope = typeof claims.scope === 'string' ? claims.scope : claims.scope.join(' ');
  const iat = claims.nowSeconds ?? Math.floor(Date.now() / 1000);
  const payload: Record<string, string> = { scope };
  if (claims.officer !== undefined) payload['officer'] = claims.officer;
  if (claims.agency !== undefined) payload['agency'] = claims.agency;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setSubject(claims.sub)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + claims.ttlSeconds)
    .sign(key.privateKey);
}
