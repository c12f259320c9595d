// The gateway's per-client rate limiter: token buckets shared by all replicas in Redis, or in process
// memory without Redis. While Redis is unreachable each process enforces limits divided by the replica
// count (so the fleet as a whole stays near the configured quota) and reports itself degraded.
import { createHmac } from 'node:crypto';
import { Gauge } from 'prom-client';
import type { Logger } from '../logger.ts';
import { type Metrics, singleMetric } from '../metrics.ts';
import type { RedisClient } from '../redis.ts';
import { createRedisGuard, type RedisGuardOptions } from '../redisGuard.ts';
import { createMemoryBuckets } from './memoryBuckets.ts';
import { takeFromRedis } from './redisBuckets.ts';
import { validateLimit } from './tokenBucket.ts';
import type { BucketLimit, RateLimiter, RateLimitResult, RateLimits } from './types.ts';

export interface RateLimiterOptions {
  /** Shared buckets; without it the limiter is in-process only (single replica). */
  readonly redis?: RedisClient;
  readonly limits: RateLimits;
  /** Replicas sharing the quota (≥ 1); the fallback's limits are divided by it. Default 1. */
  readonly replicas?: number;
  /**
   * Secret for hashing client ids in Redis keys (≥ 32 bytes); required with redis: a citizen's token
   * has their 12-digit id as client id, which must not appear in Redis.
   */
  readonly idHashKey?: Buffer;
  readonly metrics?: Metrics;
  readonly logger: Logger;
  /** Clock, epoch ms; default Date.now. */
  readonly now?: () => number;
  /** Deadline and circuit breaker for Redis calls (lib/redisGuard.ts). */
  readonly guard?: RedisGuardOptions;
  /** Keeps this limiter's Redis buckets apart from another's for the same client (e.g. "cost:"); default "". */
  readonly namespace?: string;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limits, redis, logger } = options;
  validateLimits(limits);
  const replicas = options.replicas ?? 1;
  if (!(Number.isInteger(replicas) && replicas >= 1)) throw new Error('replicas must be an integer ≥ 1');
  if (redis && !(options.idHashKey && options.idHashKey.length >= 32)) {
    throw new Error('a Redis rate limiter needs idHashKey (32 bytes or more) to keep client ids out of keys');
  }
  const now = options.now ?? Date.now;
  const guard = createRedisGuard(options.guard);
  const local = createMemoryBuckets();
  const gauge = options.metrics ? degradedGauge(options.metrics) : undefined;
  let degraded = false;
  const setDegraded = (value: boolean) => {
    if (value !== degraded) {
      if (value) logger.warn('rate limiter: redis unreachable, enforcing this replica’s share locally');
      else logger.info('rate limiter: redis reachable again, shared limits restored');
    }
    degraded = value;
    gauge?.set(value ? 1 : 0);
  };
  if (redis) gauge?.set(0);

  return {
    async consume(clientId, scopes, cost = 1): Promise<RateLimitResult> {
      const buckets = bucketsFor(limits, clientId, scopes);
      const nowMs = now();
      if (redis && options.idHashKey) {
        const tag = createHmac('sha256', options.idHashKey)
          .update(clientId, 'utf8')
          .digest('base64url')
          .slice(0, 22);
        const keys = buckets.map((b) => `rl:{${tag}}:${options.namespace ?? ''}${b.name}`);
        try {
          const result = await guard.run(() =>
            takeFromRedis(
              redis,
              keys,
              buckets.map((b) => b.limit),
              cost,
              nowMs,
            ),
          );
          setDegraded(false);
          return result;
        } catch (error) {
          setDegraded(true);
          logger.debug({ err: { message: (error as Error).message } }, 'rate limiter redis call failed');
        }
      }
      const shares = buckets.map((b) => divide(b.limit, redis ? replicas : 1));
      return local.take(
        buckets.map((b) => `${clientId}\u0000${b.name}`),
        shares,
        cost,
        nowMs,
      );
    },
    degraded: () => degraded,
    health: () =>
      degraded
        ? { ok: true, degraded: true, detail: `redis unreachable: local limits (1/${replicas})` }
        : { ok: true, detail: redis ? 'redis' : 'in-process' },
    [Symbol.asyncDispose]: async () => {},
  };
}

/** The client's overall bucket, then one per scope that has its own limit. */
export function bucketsFor(
  limits: RateLimits,
  clientId: string,
  scopes: readonly string[],
): { name: string; limit: BucketLimit }[] {
  const buckets = [{ name: 'all', limit: limits.perClient?.[clientId] ?? limits.default }];
  for (const scope of new Set(scopes)) {
    const limit = limits.perScope?.[scope];
    if (limit) buckets.push({ name: `scope:${scope.replace(/[^A-Za-z0-9:_.-]/g, '_')}`, limit });
  }
  return buckets;
}

const divide = (limit: BucketLimit, by: number): BucketLimit => ({
  capacity: limit.capacity / by,
  refillPerSecond: limit.refillPerSecond / by,
});

function validateLimits(limits: RateLimits): void {
  validateLimit('default', limits.default);
  for (const [client, limit] of Object.entries(limits.perClient ?? {}))
    validateLimit(`client ${client}`, limit);
  for (const [scope, limit] of Object.entries(limits.perScope ?? {})) validateLimit(`scope ${scope}`, limit);
}

// Several limiters may share a registry (tests, or one per route): register the gauge once.
function degradedGauge(metrics: Metrics): Gauge {
  const name = 'lienthong_rate_limit_degraded';
  return singleMetric(
    metrics.registry,
    name,
    () =>
      new Gauge({
        name,
        help: '1 while Redis is unreachable and rate limits are enforced per replica, else 0.',
        registers: [metrics.registry],
      }),
  );
}
