// Rate-limit settings from the environment (DESIGN.md "Errors": RATE_LIMITED). Limits are token
// buckets: a capacity (the largest burst) and a refill rate (the sustained requests per second).
import type { EnvReader } from '../../../../lib/env.ts';
import type { BucketLimit, RateLimits } from '../../../../lib/rateLimit/types.ts';

export interface RateLimitConfig {
  readonly limits: RateLimits;
  /** Each client's cost budget (RATE_LIMIT_COST_CAPACITY / RATE_LIMIT_COST_PER_SECOND), in cost units. */
  readonly cost: BucketLimit;
  /** Requests of one client in flight at once per replica (CLIENT_MAX_CONCURRENT_REQUESTS); default 32, half the subgraph connections. */
  readonly maxConcurrent: number;
  /** Gateway replicas sharing the quota (GATEWAY_REPLICAS); the fallback without Redis divides by it. */
  readonly replicas: number;
}

/** Default bucket: generous, so that a one-stop desk's bursts pass; production sets its own. */
export const DEFAULT_RATE_LIMIT: BucketLimit = Object.freeze({ capacity: 600, refillPerSecond: 100 });

/**
 * Default cost budget: ten maximal operations (QUERY_MAX_COST 20 000) in a burst, one per second
 * sustained; a full citizen profile costs a few dozen units, so ordinary traffic never meets it.
 */
export const DEFAULT_COST_BUDGET: BucketLimit = Object.freeze({ capacity: 200_000, refillPerSecond: 20_000 });

const NUMBER = /^\d+(?:\.\d+)?$/;

/** A positive number, e.g. "100" or "0.5". */
export const positiveNumber =
  (fallback: number): EnvReader<number> =>
  (raw) => {
    if (raw === undefined) return fallback;
    if (!NUMBER.test(raw.trim()) || Number(raw) <= 0) throw new Error('a number greater than 0');
    return Number(raw);
  };

/** "name=capacity/refill,…", e.g. "ubnd-hanoi.motcua=1200/200,bo-tu-phap=60/1". */
export const limitTable: EnvReader<Readonly<Record<string, BucketLimit>>> = (raw) => {
  const table: Record<string, BucketLimit> = {};
  for (const part of (raw ?? '').split(',').filter((p) => p.trim() !== '')) {
    const match = /^\s*([^=\s]+)\s*=\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!match || Number(match[2]) <= 0 || Number(match[3]) <= 0) {
      throw new Error('a list like name=capacity/refillPerSecond,… (both numbers greater than 0)');
    }
    table[match[1] as string] = { capacity: Number(match[2]), refillPerSecond: Number(match[3]) };
  }
  return Object.freeze(table);
};
