// Token buckets in this process's memory: the limiter without Redis, and its fallback while Redis is
// unreachable. Bounded (LRU) so that many distinct clients cannot grow memory without limit; a dropped
// bucket restarts full, which costs at most one burst.
import { LRUCache } from 'lru-cache';
import { type BucketState, takeTokens, timeToFullMs } from './tokenBucket.ts';
import type { BucketLimit, RateLimitResult } from './types.ts';

export interface MemoryBuckets {
  take(keys: readonly string[], limits: readonly BucketLimit[], cost: number, nowMs: number): RateLimitResult;
}

export function createMemoryBuckets(maxEntries = 100_000): MemoryBuckets {
  const states = new LRUCache<string, BucketState>({ max: maxEntries });
  return {
    take(keys, limits, cost, nowMs) {
      const result = takeTokens(
        keys.map((key) => states.get(key)),
        limits,
        cost,
        nowMs,
      );
      keys.forEach((key, i) => {
        states.set(key, result.next[i] as BucketState, {
          ttl: timeToFullMs(limits[i] as BucketLimit) + 1000,
        });
      });
      return {
        allowed: result.allowed,
        retryAfterSeconds: result.retryAfterSeconds,
        remaining: result.remaining,
      };
    },
  };
}
