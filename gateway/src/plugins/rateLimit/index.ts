// Fairness between clients (DESIGN.md "Quality bars": one client can neither slow other clients beyond
// its quota nor grow the audit log past it). Three bounds per client:
//  - admission, before Apollo Server parses anything: one token from the client's request bucket (and
//    from the bucket of each scope with a limit of its own) for every request that carries a valid
//    token, whatever happens to it later — an invalid or over-limit operation costs its sender a token
//    too, so refusals cannot be sent for free, and every audit record stands on a spent token;
//  - admission too: at most `maxConcurrent` requests of one client in flight in this process, so a
//    client's burst queues at its own door rather than in front of everyone's subgraph connections;
//  - the cost budget, once the operation's cost is known (after the limits stage): that many units from
//    the client's cost bucket, so a client sending few but expensive operations is bounded as well.
// Buckets live in Redis, shared by every replica, with lib/rateLimit's per-replica fallback; client
// ids are hashed before they reach Redis (a citizen's token carries the citizen's id).
import { rateLimited } from '../../../../lib/errors.ts';
import type { RateLimiter } from '../../../../lib/rateLimit/types.ts';
import type { GatewayContext } from '../../context.ts';
import type { OperationStage } from '../pipeline/index.ts';

export interface AdmissionOptions {
  /** Request buckets; owned by the caller (created and closed with the gateway). */
  readonly limiter: RateLimiter;
  /** Requests of one client in flight at once in this process (CLIENT_MAX_CONCURRENT_REQUESTS). */
  readonly maxConcurrent: number;
}

/** Frees the client's concurrency slot; call once the response is sent. */
export type Release = () => void;

/** Admits a request or throws RATE_LIMITED (with Retry-After); the returned release must be called. */
export type Admit = (context: GatewayContext) => Promise<Release>;

export function admission(options: AdmissionOptions): Admit {
  const inFlight = new Map<string, number>();
  return async (context) => {
    const { clientId, scopes } = context.identity;
    const quota = await options.limiter.consume(clientId, [...scopes]);
    if (!quota.allowed) throw rateLimited(quota.retryAfterSeconds);
    const running = inFlight.get(clientId) ?? 0;
    if (running >= options.maxConcurrent) throw rateLimited(1);
    inFlight.set(clientId, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (inFlight.get(clientId) ?? 1) - 1;
      if (left <= 0) inFlight.delete(clientId);
      else inFlight.set(clientId, left);
    };
  };
}

export interface CostBudgetOptions {
  /** Cost buckets (a limiter of its own, in cost units); owned by the caller. */
  readonly limiter: RateLimiter;
}

/** Spends the operation's estimated cost (set by the limits stage) from the client's cost bucket. */
export function costBudgetStage(options: CostBudgetOptions): OperationStage {
  return {
    name: 'costBudget',
    async run({ contextValue: context }, state) {
      if (state.cost === undefined || state.cost <= 0) return;
      const budget = await options.limiter.consume(context.identity.clientId, [], state.cost);
      if (!budget.allowed) throw rateLimited(budget.retryAfterSeconds);
    },
  };
}
