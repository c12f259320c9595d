// Start-up wiring for a process that caches: builds the Redis client from CacheConfig (when configured),
// waits briefly for it without failing start-up when Redis is down, and builds the record cache. The
// handle owns what it created and closes it on dispose (cache first, then the client).
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { closeRedisClient, createRedisClient, type RedisClient, waitForReady } from '../redis.ts';
import type { CacheConfig } from './cacheConfigFromEnv.ts';
import { createRecordCache, type ManagedRecordCache } from './createRecordCache.ts';

export interface CacheHandle extends AsyncDisposable {
  readonly cache: ManagedRecordCache;
  /** The shared client, for the rate limiter and APQ store of the same process; absent in memory mode. */
  readonly redis?: RedisClient;
}

export interface OpenCacheOptions {
  readonly metrics?: Metrics;
  readonly logger: Logger;
  /** Connection name shown in CLIENT LIST, e.g. "subgraph-population". */
  readonly connectionName?: string;
  /** How long start-up waits for Redis before going on without it, ms; default 1000. */
  readonly readyTimeoutMs?: number;
}

export async function openCache(config: CacheConfig, options: OpenCacheOptions): Promise<CacheHandle> {
  const redis = config.redis
    ? createRedisClient({ ...config.redis, connectionName: options.connectionName, logger: options.logger })
    : undefined;
  if (redis && !(await waitForReady(redis, options.readyTimeoutMs ?? 1000))) {
    options.logger.warn('redis not ready at start-up: serving without the shared cache until it is');
  }
  const cache = createRecordCache({
    ...config.ttl,
    redis,
    encryption: config.encryption,
    metrics: options.metrics,
    logger: options.logger,
    maxEntries: config.maxEntries,
    localTtlMs: config.localTtlMs,
  });
  return {
    cache,
    redis,
    async [Symbol.asyncDispose]() {
      await cache[Symbol.asyncDispose]();
      if (redis) await closeRedisClient(redis);
    },
  };
}
