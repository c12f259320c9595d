// Redis is never a single point of failure: killed, silent (accepts, never answers) or stalled
// (DEBUG SLEEP), every cache call resolves within a bounded delay, counts result="error" and lets the
// caller go upstream; when Redis comes back, caching resumes by itself. Also down at start-up.
import { afterEach, describe, expect, it } from 'vitest';
import { createRecordCache, type ManagedRecordCache } from '../../lib/cache/createRecordCache.ts';
import { loadThrough } from '../../lib/cache/loadThrough.ts';
import { openCache } from '../../lib/cache/openCache.ts';
import { silentLogger } from '../../lib/logger.ts';
import { createMetrics, type Metrics } from '../../lib/metrics.ts';
import { closeRedisClient, createRedisClient, type RedisClient, waitForReady } from '../../lib/redis.ts';
import {
  eventually,
  randomPrefix,
  startRedisServer,
  startSilentServer,
  testEncryption,
} from './cacheRedisHelpers.ts';

const kind = { source: 'population', entity: 'cong-dan' };
const ids = ['001090000001', '001090000002', '001090000003'];
const entries = ids.map((id) => ({ id, record: { value: { id }, fetchedAt: 1 } }));
// Generous upper bound for one call while Redis misbehaves (command timeout 100 ms, guard deadline
// 250 ms); ioredis's defaults would take ~74 s or forever.
const BOUND_MS = 1500;
const cleanups: (() => PromiseLike<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function clientOf(url: string): RedisClient {
  const client = createRedisClient({ url, keyPrefix: randomPrefix(), logger: silentLogger() });
  cleanups.push(() => closeRedisClient(client));
  return client;
}

function cacheOf(client: RedisClient, metrics: Metrics): ManagedRecordCache {
  const cache = createRecordCache({
    logger: silentLogger(),
    metrics,
    redis: client,
    encryption: testEncryption(),
    localTtlMs: 0,
    guard: { halfOpenAfterMs: 200 },
  });
  cleanups.push(() => cache[Symbol.asyncDispose]());
  return cache;
}

async function bounded<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cache call took over ${BOUND_MS} ms`)), BOUND_MS);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

async function errors(metrics: Metrics): Promise<number> {
  const values = (await metrics.cacheRequests.get()).values;
  return values.filter((v) => v.labels.result === 'error').reduce((sum, v) => sum + v.value, 0);
}

describe('record cache when Redis misbehaves', () => {
  it('Redis killed: calls resolve within the bound as misses, then caching resumes after restart', async () => {
    const server = await startRedisServer();
    cleanups.push(() => server.stop());
    const client = clientOf(server.url);
    expect(await waitForReady(client, 5000)).toBe(true);
    const metrics = createMetrics('test');
    const cache = cacheOf(client, metrics);
    await cache.setMany(kind, entries);
    expect((await cache.getMany(kind, ids)).every((r) => r !== undefined)).toBe(true);

    await server.stop();
    for (let i = 0; i < 5; i++) {
      expect(await bounded(cache.getMany(kind, ids))).toEqual([undefined, undefined, undefined]);
      await bounded(cache.setMany(kind, entries));
    }
    expect(await errors(metrics)).toBeGreaterThanOrEqual(15);
    expect(cache.health()).toMatchObject({ ok: true, degraded: true });
    const [served] = await bounded(
      loadThrough(cache, kind, [ids[0] as string], async (m) => m.map((id) => ({ id }))),
    );
    expect(served).toMatchObject({ value: { id: ids[0] }, fromCache: false });

    await server.start();
    await eventually(async () => {
      await cache.setMany(kind, entries);
      return (await cache.getMany(kind, ids)).every((r) => r !== undefined);
    }, 'caching resumes after Redis restarts');
    expect(cache.health()).toEqual({ ok: true, detail: 'redis' });
  });

  it('a server that accepts connections and never answers: bounded, counted, served from upstream', async () => {
    await using silent = await startSilentServer();
    const client = clientOf(`redis://127.0.0.1:${silent.port}`);
    expect(await waitForReady(client, 300)).toBe(false);
    const metrics = createMetrics('test');
    const cache = cacheOf(client, metrics);
    expect(await bounded(cache.getMany(kind, ids))).toEqual([undefined, undefined, undefined]);
    await bounded(cache.setMany(kind, entries));
    await expect(bounded(cache.evict(kind, ids))).rejects.toThrow();
    expect(await errors(metrics)).toBeGreaterThanOrEqual(6);
    const results = await bounded(loadThrough(cache, kind, ids, async (m) => m.map((id) => ({ id }))));
    expect(results.every((r) => !(r instanceof Error))).toBe(true);
  });

  it('a stalled server (DEBUG SLEEP): reads and writes give up within the bound', async () => {
    const server = await startRedisServer(['--enable-debug-command', 'yes']);
    cleanups.push(() => server.stop());
    const client = clientOf(server.url);
    const admin = createRedisClient({
      url: server.url,
      keyPrefix: '',
      logger: silentLogger(),
      commandTimeoutMs: 10_000,
    });
    cleanups.push(() => closeRedisClient(admin));
    expect(await waitForReady(client, 5000)).toBe(true);
    expect(await waitForReady(admin, 5000)).toBe(true);
    const metrics = createMetrics('test');
    const cache = cacheOf(client, metrics);
    const sleeping = admin.call('DEBUG', 'SLEEP', '2');
    // Let the server fall asleep first: from then on it answers no one, the cache included.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await bounded(cache.getMany(kind, ids))).toEqual([undefined, undefined, undefined]);
    await bounded(cache.setMany(kind, entries));
    expect(await errors(metrics)).toBe(6);
    await sleeping;
  });

  it('Redis down at start-up: start-up goes on without it and caching starts when it appears', async () => {
    const server = await startRedisServer();
    cleanups.push(() => server.stop());
    await server.stop();
    const metrics = createMetrics('test');
    const handle = await bounded(
      openCache(
        {
          redis: { url: server.url, keyPrefix: randomPrefix(), commandTimeoutMs: 100, connectTimeoutMs: 200 },
          ttl: {},
          maxEntries: 100,
          localTtlMs: 0,
          encryption: testEncryption(),
        },
        { logger: silentLogger(), metrics, readyTimeoutMs: 200 },
      ),
    );
    cleanups.push(() => handle[Symbol.asyncDispose]());
    expect(await handle.cache.getMany(kind, ids)).toEqual([undefined, undefined, undefined]);
    await server.start();
    await eventually(async () => {
      await handle.cache.setMany(kind, entries);
      return (await handle.cache.getMany(kind, ids)).every((r) => r !== undefined);
    }, 'caching starts once Redis is up');
  });
});
