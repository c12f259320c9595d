// The record cache a subgraph uses: Redis (shared by replicas, encrypted) when a client is given, else
// the embedded in-process LRU. Both implement RecordCache and pass the same contract tests.
import type { CheckResult } from '../httpServer.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { RedisClient } from '../redis.ts';
import type { RedisGuardOptions } from '../redisGuard.ts';
import { createMemoryRecordCache } from './memoryRecordCache.ts';
import type { CacheEncryption } from './recordSealer.ts';
import { createRedisRecordCache } from './redisRecordCache.ts';
import { createTtlPolicy, type TtlOptions } from './ttlPolicy.ts';
import type { RecordCache } from './types.ts';

export interface RecordCacheOptions extends TtlOptions {
  /** A connected (or connecting) client from lib/redis.ts; the caller keeps ownership and closes it. */
  readonly redis?: RedisClient;
  /** Required with redis: values are sealed with the current key, ids hashed with idHashKey. */
  readonly encryption?: CacheEncryption;
  readonly metrics?: Metrics;
  readonly logger: Logger;
  /** Memory mode: most records held (LRU); with Redis: size of the in-process copy. Default 10 000. */
  readonly maxEntries?: number;
  /** With Redis: lifetime of the in-process copy, ms; default 1000; 0 disables it. */
  readonly localTtlMs?: number;
  /** With Redis: lifetime of a cross-process fetch lock, ms; default 2000. */
  readonly lockTtlMs?: number;
  /** With Redis: deadline and circuit breaker settings (lib/redisGuard.ts). */
  readonly guard?: RedisGuardOptions;
}

export interface ManagedRecordCache extends RecordCache {
  /** For /readyz: ok in both modes (the cache is optional); degraded while Redis is unreachable. */
  health(): CheckResult;
}

export function createRecordCache(options: RecordCacheOptions): ManagedRecordCache {
  const ttl = createTtlPolicy(options);
  if (!options.redis) {
    const memory = createMemoryRecordCache({ maxEntries: options.maxEntries, ttl, metrics: options.metrics });
    return { ...memory, health: () => ({ ok: true, detail: 'in-process cache' }) };
  }
  if (!options.encryption) throw new Error('a Redis record cache needs encryption keys');
  return createRedisRecordCache({
    redis: options.redis,
    encryption: options.encryption,
    ttl,
    metrics: options.metrics,
    logger: options.logger,
    localTtlMs: options.localTtlMs,
    localMaxEntries: options.maxEntries,
    lockTtlMs: options.lockTtlMs,
    guard: options.guard,
  });
}
