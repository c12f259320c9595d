// The gateway → subgraph trust link. For every subgraph request the gateway signs a short-lived
// token (EdDSA, audience = that subgraph) carrying who is asking and why; each subgraph verifies it
// with the gateway's public key and serves nothing without one. A direct call to a subgraph gets 401.
import { createLocalJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';
import { signCompact } from './compactJws.ts';
import type { SigningKey } from './keys.ts';

export const INTERNAL_ISSUER = 'lienthong-gateway';
/** Short enough that a leaked token is useless within a minute. */
export const INTERNAL_TOKEN_LIFETIME_SECONDS = 30;
export const internalAudience = (subgraph: string): string => `lienthong-subgraph:${subgraph}`;

/** Who is asking, and why: the identity and purpose that travel with every subgraph request. */
export interface Caller {
  /** The client system's id (the client token's `sub`). */
  readonly clientId: string;
  /** The civil servant at the keyboard, when the client token names one. */
  readonly officer?: string | undefined;
  /** The agency the client acts for (mã cơ quan), when its token names one: results are issued as it. */
  readonly agency?: string | undefined;
  /** Scopes in force: the token's scopes that the procedure also allows. */
  readonly scopes: readonly string[];
  readonly procedureCode?: string | undefined;
  readonly dossierId?: string | undefined;
  /** The gateway's request id, for correlating logs. */
  readonly requestId: string;
  /** Epoch milliseconds after which the gateway no longer waits for an answer. */
  readonly deadline?: number | undefined;
}

interface InternalClaims extends JWTPayload {
  off?: string;
  agy?: string;
  scope: string;
  prc?: string;
  dos?: string;
  rid: string;
  dl?: number;
}

export const INTERNAL_TOKEN_TYP = 'lienthong-internal+jwt';

export function signInternalToken(
  key: SigningKey,
  caller: Caller,
  subgraph: string,
  nowSeconds?: number,
): string {
  const iat = nowSeconds ?? Math.floor(Date.now() / 1000);
  const claims: InternalClaims = {
    iss: INTERNAL_ISSUER,
    aud: internalAudience(subgraph),
    sub: caller.clientId,
    iat,
    exp: iat + INTERNAL_TOKEN_LIFETIME_SECONDS,
    scope: caller.scopes.join(' '),
    rid: caller.requestId,
  };
  if (caller.officer !== undefined) claims.off = caller.officer;
  if (caller.agency !== undefined) claims.agy = caller.agency;
  if (caller.procedureCode !== undefined) claims.prc = caller.procedureCode;
  if (caller.dossierId !== undefined) claims.dos = caller.dossierId;
  if (caller.deadline !== undefined) claims.dl = caller.deadline;
  return signCompact(key, INTERNAL_TOKEN_TYP, JSON.stringify(claims));
}

export class InternalTokenError extends Error {
  override readonly name = 'InternalTokenError';
}

export interface InternalTokenVerifier {
  verify(token: string | undefined): Promise<Caller>;
}

/** Verifies internal tokens for one subgraph against the gateway's public keys. */
export function createInternalTokenVerifier(
  jwks: JSONWebKeySet,
  subgraph: string,
  clock: () => Date = () => new Date(),
): InternalTokenVerifier {
  const keys = createLocalJWKSet(jwks);
  return {
    async verify(token) {
      if (!token) throw new InternalTokenError('missing internal token');
      try {
        const { payload } = await jwtVerify<InternalClaims>(token, keys, {
          algorithms: ['EdDSA'],
          issuer: INTERNAL_ISSUER,
          audience: internalAudience(subgraph),
          typ: INTERNAL_TOKEN_TYP,
          requiredClaims: ['exp', 'iat', 'sub', 'rid', 'scope'],
          maxTokenAge: INTERNAL_TOKEN_LIFETIME_SECONDS * 2,
          clockTolerance: 5,
          currentDate: clock(),
        });
        // A stolen internal token must be worth little: one that would live longer than the gateway
        // ever signs for is refused, however recent.
        if ((payload.exp ?? 0) - (payload.iat ?? 0) > INTERNAL_TOKEN_LIFETIME_SECONDS) {
          throw Object.assign(new Error('lifetime'), { code: 'ERR_LIFETIME_TOO_LONG' });
        }
        return {
          clientId: payload.sub!,
          officer: payload.off,
          agency: payload.agy,
          scopes: payload.scope.split(' ').filter(Boolean),
          procedureCode: payload.prc,
          dossierId: payload.dos,
          requestId: payload.rid,
          deadline: payload.dl,
        };
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'ERR_INVALID';
        throw new InternalTokenError(`internal token rejected (${code})`);
      }
    },
  };
}

/** Reads the bearer token of an Authorization header. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header.trim());
  return match?.[1];
}
