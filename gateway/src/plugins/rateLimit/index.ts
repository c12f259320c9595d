// Per-client rate limiting (DESIGN.md "Errors": RATE_LIMITED, HTTP 429 with Retry-After). One token
// per operation from the client's bucket and from the bucket of each of its token's scopes that has a
// limit of its own; the buckets live in Redis, shared by every gateway replica, with the per-replica
// fallback of lib/rateLimit while Redis is unreachable. Client ids are hashed before they reach Redis
// (a citizen's token carries the citizen's id).
import type { ApolloServerPlugin } from '@apollo/server';
import { rateLimited } from '../../../../lib/errors.ts';
import type { RateLimiter } from '../../../../lib/rateLimit/types.ts';
import type { GatewayContext } from '../../context.ts';

export interface RateLimitPluginOptions {
  /** Owned by the caller (created and closed with the gateway). */
  readonly limiter: RateLimiter;
}

export function rateLimitPlugin(options: RateLimitPluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        // The first hook that can refuse with a coded error: Apollo Server lets didResolveOperation
        // throw, and it runs before any plan or subgraph call. Requests refused earlier (unparseable,
        // invalid) cost the gateway little and never reach a national database.
        async didResolveOperation({ contextValue: context }) {
          const { clientId, scopes } = context.identity;
          const result = await options.limiter.consume(clientId, [...scopes]);
          if (!result.allowed) throw rateLimited(result.retryAfterSeconds);
        },
      };
    },
  };
}
