// Remembers client tokens already verified, so a client sending the same bearer token on every request
// pays for one signature check, not one per request. Only successes are kept, each for at most
// `maxAgeMs` and never past the token's own expiry or maximum age: a key withdrawn from the trusted
// set stops being honoured for cached tokens within `maxAgeMs`.
import { decodeJwt } from 'jose';
import { LRUCache } from 'lru-cache';
import type { ClientIdentity } from './clientClaims.ts';
import type { ClientTokenVerifier } from './clientTokenVerifier.ts';

export interface VerifiedTokenCacheOptions {
  /** Tokens remembered at most; default 10 000. */
  readonly maxEntries?: number;
  /** Longest a verification is reused, in ms; default 30 000. */
  readonly maxAgeMs?: number;
  /** The verifier's maximum token age (now − iat), in seconds. */
  readonly maxTokenAgeSeconds: number;
  /** Current time in ms; default Date.now. */
  readonly now?: () => number;
}

export function cachedVerifier(
  inner: ClientTokenVerifier,
  options: VerifiedTokenCacheOptions,
): ClientTokenVerifier {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? 30_000;
  const verified = new LRUCache<string, { identity: ClientIdentity; until: number }>({
    max: options.maxEntries ?? 10_000,
  });
  return {
    async verify(authorization) {
      if (authorization === undefined) return inner.verify(authorization);
      const at = now();
      const hit = verified.get(authorization);
      if (hit && at < hit.until) return hit.identity;
      const identity = await inner.verify(authorization);
      const claims = decodeJwt(authorization.slice(authorization.indexOf(' ') + 1).trim());
      const until = Math.min(
        at + maxAgeMs,
        typeof claims.exp === 'number' ? claims.exp * 1000 : at,
        typeof claims.iat === 'number' ? (claims.iat + options.maxTokenAgeSeconds) * 1000 : at,
      );
      if (until > at) verified.set(authorization, { identity, until });
      return identity;
    },
  };
}
