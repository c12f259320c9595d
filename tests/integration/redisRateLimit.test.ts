// The rate limiter on real Redis: exact token-bucket answers shared by replicas, EVALSHA with EVAL
// fallback, and, with Redis gone, per-replica limits and a degraded flag until Redis returns.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { createMetrics } from '../../lib/metrics.ts';
import { createRateLimiter, type RateLimiterOptions } from '../../lib/rateLimit/createRateLimiter.ts';
import { TOKEN_BUCKET_SHA } from '../../lib/rateLimit/redisBuckets.ts';
import { closeRedisClient, createRedisClient, type RedisClient, waitForReady } from '../../lib/redis.ts';
import { eventually, randomPrefix, sharedRedis, startRedisServer } from './cacheRedisHelpers.ts';

const idHashKey = randomBytes(32);
const cleanups: (() => PromiseLike<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function limiter(redis: RedisClient, clock: { now: number }, extra: Partial<RateLimiterOptions> = {}) {
  const created = createRateLimiter({
    redis,
    idHashKey,
    limits: { default: { capacity: 3, refillPerSecond: 0.5 } },
    logger: silentLogger(),
    now: () => clock.now,
    ...extra,
  });
  cleanups.push(() => created[Symbol.asyncDispose]());
  return created;
}

describe('rate limiter on Redis', () => {
  it('answers exact 429 math across two replicas sharing the buckets, then resets after refill', async () => {
    const server = await sharedRedis();
    cleanups.push(() => server[Symbol.asyncDispose]());
    const clock = { now: 1_700_000_000_000 };
    const a = limiter(server.client, clock, { replicas: 2 });
    const b = limiter(server.client, clock, { replicas: 2 });
    expect(await a.consume('ubnd-hanoi.motcua', [])).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
      remaining: 2,
    });
    expect(await b.consume('ubnd-hanoi.motcua', [])).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
      remaining: 1,
    });
    expect(await a.consume('ubnd-hanoi.motcua', [])).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
      remaining: 0,
    });
    // Empty bucket refilling at 0.5 token/s: the next token is 2 s away.
    expect(await b.consume('ubnd-hanoi.motcua', [])).toEqual({
      allowed: false,
      retryAfterSeconds: 2,
      remaining: 0,
    });
    clock.now += 1000;
    expect(await a.consume('ubnd-hanoi.motcua', [])).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
      remaining: 0,
    });
    clock.now += 1000;
    expect(await a.consume('ubnd-hanoi.motcua', [])).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
      remaining: 0,
    });
    clock.now += 60_000;
    expect(await b.consume('ubnd-hanoi.motcua', [])).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
      remaining: 2,
    });
    expect(a.degraded()).toBe(false);
  });

  it('keeps a citizen client id out of the keys', async () => {
    const server = await sharedRedis();
    cleanups.push(() => server[Symbol.asyncDispose]());
    const citizenId = '001090012345';
    await limiter(server.client, { now: 0 }).consume(citizenId, ['citizen:self']);
    const keys = await server.client.keys(`${server.prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toContain(citizenId);
  });

  it('loads the script with EVAL when the server does not know it, then uses EVALSHA', async () => {
    await using redisServer = await startRedisServer();
    const client = createRedisClient({
      url: redisServer.url,
      keyPrefix: randomPrefix(),
      logger: silentLogger(),
    });
    cleanups.push(() => closeRedisClient(client));
    expect(await waitForReady(client, 5000)).toBe(true);
    await client.script('FLUSH');
    const limit = limiter(client, { now: 0 });
    expect((await limit.consume('c', [])).allowed).toBe(true);
    expect((await limit.consume('c', [])).remaining).toBe(1);
    expect(await client.script('EXISTS', TOKEN_BUCKET_SHA)).toEqual([1]);
    expect(limit.degraded()).toBe(false);
  });

  it('falls back to limits divided by replicas while Redis is down, degraded, and recovers', async () => {
    const redisServer = await startRedisServer();
    cleanups.push(() => redisServer.stop());
    const client = createRedisClient({
      url: redisServer.url,
      keyPrefix: randomPrefix(),
      logger: silentLogger(),
    });
    cleanups.push(() => closeRedisClient(client));
    expect(await waitForReady(client, 5000)).toBe(true);
    const metrics = createMetrics('test');
    const clock = { now: 0 };
    const limit = limiter(client, clock, {
      replicas: 3,
      metrics,
      limits: { default: { capacity: 6, refillPerSecond: 3 } },
      guard: { halfOpenAfterMs: 100 },
    });
    expect((await limit.consume('c', [])).allowed).toBe(true);
    await redisServer.stop();
    // Share per replica: capacity 2, refill 1/s.
    const during = [];
    for (let i = 0; i < 3; i++) during.push(await limit.consume('c', []));
    expect(during.map((r) => r.allowed)).toEqual([true, true, false]);
    expect(during[2]?.retryAfterSeconds).toBe(1);
    expect(limit.degraded()).toBe(true);
    expect(limit.health()).toMatchObject({ ok: true, degraded: true });
    expect(await metrics.registry.getSingleMetricAsString('lienthong_rate_limit_degraded')).toMatch(/ 1$/m);

    await redisServer.start();
    await eventually(async () => {
      clock.now += 10_000;
      await limit.consume('c', []);
      return !limit.degraded();
    }, 'the limiter uses Redis again');
    expect(await metrics.registry.getSingleMetricAsString('lienthong_rate_limit_degraded')).toMatch(/ 0$/m);
  });
});
