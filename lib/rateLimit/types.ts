// Per-client rate limiting. Quotas are security state (they bound how fast one client system can read
// citizens' data), so a Redis outage does not switch them off: each process falls back to its own
// share of the limit.
import type { CheckResult } from '../httpServer.ts';

/** A token bucket: holds up to `capacity` tokens, refilled continuously at `refillPerSecond`. */
export interface BucketLimit {
  /** Largest burst, in cost units (requests when cost = 1). */
  readonly capacity: number;
  /** Sustained rate, cost units per second; must be > 0. */
  readonly refillPerSecond: number;
}

export interface RateLimits {
  /** Each client's overall bucket unless perClient names it. */
  readonly default: BucketLimit;
  /** Overall bucket by client id (token `sub`), replacing the default. */
  readonly perClient?: Readonly<Record<string, BucketLimit>>;
  /** An extra bucket per client for requests using this scope (e.g. "population:read"). */
  readonly perScope?: Readonly<Record<string, BucketLimit>>;
}

export interface RateLimitResult {
  readonly allowed: boolean;
  /** Whole seconds until the request could pass (0 when allowed); for Retry-After. */
  readonly retryAfterSeconds: number;
  /** Whole tokens left in the emptiest bucket after this request. */
  readonly remaining: number;
}

export interface RateLimiter extends AsyncDisposable {
  /**
   * Takes `cost` tokens (default 1) from the client's bucket and from each of its per-scope buckets,
   * all or none. Never throws. A cost above a bucket's capacity is always refused.
   */
  consume(clientId: string, scopes: readonly string[], cost?: number): Promise<RateLimitResult>;
  /** True while Redis is unreachable and this process enforces its local share of each limit. */
  degraded(): boolean;
  /** For /readyz: ok (limits are still enforced), degraded while falling back. */
  health(): CheckResult;
}
