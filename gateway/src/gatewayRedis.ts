// The gateway's Redis: one client, from the same environment as the subgraphs' cache
// (lib/cache/cacheConfigFromEnv.ts), shared by the rate limiter and the persisted-query store. Without
// REDIS_URL / REDIS_CLUSTER_NODES both run in process. Start-up waits briefly for Redis and goes on
// without it: both users fall back while it is away and resume when it returns.
import type { CacheConfig } from '../../lib/cache/cacheConfigFromEnv.ts';
import { createRecordSealer, type RecordSealer } from '../../lib/cache/recordSealer.ts';
import type { Logger } from '../../lib/logger.ts';
import { closeRedisClient, createRedisClient, type RedisClient, waitForReady } from '../../lib/redis.ts';

export interface GatewayRedis {
  readonly client?: RedisClient;
  /** Keyed hash of client ids in rate-limit and persisted-query keys (a citizen's token carries the citizen's id). */
  readonly idHashKey?: Buffer;
  /** Seals persisted query texts in Redis (they can hold literal identifiers). */
  readonly sealer?: RecordSealer;
}

export interface OpenedGatewayRedis extends GatewayRedis, AsyncDisposable {}

/** Opens the client the configuration names (closed on dispose), or nothing in memory mode. */
export async function openGatewayRedis(
  config: CacheConfig | undefined,
  logger: Logger,
  readyTimeoutMs = 1000,
): Promise<OpenedGatewayRedis> {
  if (!config?.redis) return { [Symbol.asyncDispose]: async () => {} };
  const client = createRedisClient({ ...config.redis, connectionName: 'gateway', logger });
  if (!(await waitForReady(client, readyTimeoutMs))) {
    logger.warn(
      'redis not ready at start-up: rate limits per replica and persisted queries in process until it is',
    );
  }
  return {
    client,
    idHashKey: config.encryption?.idHashKey,
    ...(config.encryption ? { sealer: createRecordSealer(config.encryption) } : {}),
    [Symbol.asyncDispose]: () => closeRedisClient(client),
  };
}
