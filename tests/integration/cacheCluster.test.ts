// The record cache, fetch locks, eviction broadcast and rate limiter on a 3-node Redis Cluster: batches
// spanning slots on every node must work (a plain MGET across slots fails with CROSSSLOT).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordCache } from '../../lib/cache/createRecordCache.ts';
import { loadThrough } from '../../lib/cache/loadThrough.ts';
import { silentLogger } from '../../lib/logger.ts';
import { createRateLimiter } from '../../lib/rateLimit/createRateLimiter.ts';
import { closeRedisClient, createRedisClient, type RedisClient, waitForReady } from '../../lib/redis.ts';
import {
  eventually,
  type RedisClusterProcesses,
  randomPrefix,
  startRedisCluster,
  testEncryption,
} from './cacheRedisHelpers.ts';

const kind = { source: 'population', entity: 'cong-dan' };
const ids = Array.from({ length: 200 }, (_, i) => `0790${String(i).padStart(8, '0')}`);
let cluster: RedisClusterProcesses;
let client: RedisClient;

beforeAll(async () => {
  cluster = await startRedisCluster();
  client = createRedisClient({
    clusterNodes: cluster.nodes,
    keyPrefix: randomPrefix(),
    logger: silentLogger(),
    commandTimeoutMs: 1000,
  });
  expect(await waitForReady(client, 10_000)).toBe(true);
});

afterAll(async () => {
  if (client) await closeRedisClient(client);
  await cluster?.[Symbol.asyncDispose]();
});

describe('record cache on Redis Cluster', () => {
  it('gets, sets and evicts a batch spread over all nodes', async () => {
    await using cache = createRecordCache({
      logger: silentLogger(),
      redis: client,
      encryption: testEncryption(),
      localTtlMs: 0,
    });
    await cache.setMany(
      kind,
      ids.map((id) => ({ id, record: { value: { id }, fetchedAt: 7 } })),
    );
    const got = await cache.getMany<{ id: string }>(kind, ids);
    expect(got.map((r) => r?.value?.id)).toEqual(ids);
    expect(cache.health()).toEqual({ ok: true, detail: 'redis' });
    await cache.evict(kind, ids.slice(0, 100));
    const after = await cache.getMany(kind, ids);
    expect(after.slice(0, 100).every((r) => r === undefined)).toBe(true);
    expect(after.slice(100).every((r) => r !== undefined)).toBe(true);
  });

  it('spreads one kind over several nodes', async () => {
    await using cache = createRecordCache({
      logger: silentLogger(),
      redis: client,
      encryption: testEncryption(),
      localTtlMs: 0,
    });
    await cache.setMany(
      kind,
      ids.map((id) => ({ id, record: { value: null, fetchedAt: 1 } })),
    );
    const masters = (client as import('ioredis').Cluster).nodes('master');
    const sizes = await Promise.all(masters.map((node) => node.dbsize()));
    expect(sizes.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('loads through with fetch locks and broadcasts evictions to other replicas', async () => {
    const encryption = testEncryption();
    await using a = createRecordCache({
      logger: silentLogger(),
      redis: client,
      encryption,
      localTtlMs: 60_000,
    });
    await using b = createRecordCache({
      logger: silentLogger(),
      redis: client,
      encryption,
      localTtlMs: 60_000,
    });
    let calls = 0;
    const fetch = async (missing: string[]) => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return missing.map((id) => ({ id }));
    };
    const batch = ids.slice(0, 30);
    const [ra, rb] = await Promise.all([
      loadThrough(a, kind, batch, fetch, { lockWaitMs: 2000 }),
      loadThrough(b, kind, batch, fetch, { lockWaitMs: 2000 }),
    ]);
    expect([...(ra ?? []), ...(rb ?? [])].every((r) => !(r instanceof Error))).toBe(true);
    expect(calls).toBe(1);
    await eventually(async () => {
      const replies = (await Promise.all(
        (client as import('ioredis').Cluster)
          .nodes('master')
          .map((node) => node.pubsub('NUMSUB', `${client.options.keyPrefix}rc:evict`)),
      )) as [string, number][];
      return replies.reduce((sum, [, n]) => sum + Number(n), 0) >= 2;
    }, 'both replicas subscribed');
    await a.evict(kind, [batch[0] as string]);
    await eventually(
      async () => (await b.getMany(kind, [batch[0] as string]))[0] === undefined,
      'b drops its copy',
    );
  });

  it('rate-limits with the Lua script on a cluster', async () => {
    const limiter = createRateLimiter({
      redis: client,
      idHashKey: randomBytes(32),
      limits: {
        default: { capacity: 2, refillPerSecond: 1 },
        perScope: { 'population:read': { capacity: 1, refillPerSecond: 1 } },
      },
      logger: silentLogger(),
      now: () => 0,
    });
    expect((await limiter.consume('client', ['population:read'])).allowed).toBe(true);
    expect(await limiter.consume('client', ['population:read'])).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
      remaining: 0,
    });
    expect((await limiter.consume('client', [])).allowed).toBe(true);
    expect(limiter.degraded()).toBe(false);
  });
});
