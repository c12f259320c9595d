// Redis settings for a test stack, read the way every process reads them (cacheConfigFromEnv), with
// keys of the test's own: the subgraphs' record caches and the gateway share one Redis under one prefix.
import { randomBytes } from 'node:crypto';
import { type CacheConfig, cacheConfigFromEnv } from '../../lib/cache/cacheConfigFromEnv.ts';

export function stackCacheConfig(
  redisUrl: string,
  keyPrefix: string,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<CacheConfig> {
  return cacheConfigFromEnv({
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    CACHE_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    CACHE_ID_HASH_KEY: randomBytes(32).toString('base64'),
    ...extraEnv,
  });
}
