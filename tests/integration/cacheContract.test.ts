// One contract for every RecordCache: the embedded LRU and Redis (with and without the in-process copy)
// must behave the same for hits, misses, not-founds, TTLs, eviction and isolation between kinds.
import { afterEach, describe, expect, it } from 'vitest';
import { createRecordCache, type RecordCacheOptions } from '../../lib/cache/createRecordCache.ts';
import type { RecordCache, RecordKind } from '../../lib/cache/types.ts';
import { silentLogger } from '../../lib/logger.ts';
import { createMetrics, type Metrics } from '../../lib/metrics.ts';
import { sharedRedis, type TestRedis, testEncryption } from './cacheRedisHelpers.ts';

const citizen: RecordKind = { source: 'population', entity: 'cong-dan' };
const household: RecordKind = { source: 'population', entity: 'ho-gia-dinh' };
const record = (name: string) => ({ hoVaTen: name, ngaySinh: '1990-01-02' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Make = (options: Partial<RecordCacheOptions>) => Promise<{ cache: RecordCache; metrics: Metrics }>;

const cleanups: (() => PromiseLike<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const memory: Make = async (options) => {
  const metrics = createMetrics('test');
  const cache = createRecordCache({ logger: silentLogger(), metrics, ...options });
  cleanups.push(() => cache[Symbol.asyncDispose]());
  return { cache, metrics };
};

const redis =
  (localTtlMs: number): Make =>
  async (options) => {
    const server: TestRedis = await sharedRedis();
    const metrics = createMetrics('test');
    const cache = createRecordCache({
      logger: silentLogger(),
      metrics,
      redis: server.client,
      encryption: testEncryption(),
      localTtlMs,
      ...options,
    });
    cleanups.push(() => server[Symbol.asyncDispose]());
    cleanups.push(() => cache[Symbol.asyncDispose]());
    return { cache, metrics };
  };

async function counted(metrics: Metrics, result: string): Promise<number> {
  const metric = await metrics.cacheRequests.get();
  return metric.values.filter((v) => v.labels.result === result).reduce((sum, v) => sum + v.value, 0);
}

describe.each([
  ['memory', memory],
  ['redis', redis(0)],
  ['redis with in-process copy', redis(1000)],
] as const)('RecordCache contract: %s', (_name, make) => {
  it('misses on an empty cache and counts each id', async () => {
    const { cache, metrics } = await make({});
    expect(await cache.getMany(citizen, ['001090000001', '001090000002'])).toEqual([undefined, undefined]);
    expect(await counted(metrics, 'miss')).toBe(2);
  });

  it('returns stored records in the order asked, duplicates included', async () => {
    const { cache, metrics } = await make({});
    await cache.setMany(citizen, [
      { id: 'a', record: { value: record('Nguyễn Văn A'), fetchedAt: 1 } },
      { id: 'b', record: { value: record('Trần Thị B'), fetchedAt: 2 } },
    ]);
    const got = await cache.getMany(citizen, ['b', 'x', 'a', 'b']);
    expect(got).toEqual([
      { value: record('Trần Thị B'), fetchedAt: 2 },
      undefined,
      { value: record('Nguyễn Văn A'), fetchedAt: 1 },
      { value: record('Trần Thị B'), fetchedAt: 2 },
    ]);
    expect(await counted(metrics, 'hit')).toBe(3);
    expect(await counted(metrics, 'miss')).toBe(1);
  });

  it('keeps a not-found answer as a null record', async () => {
    const { cache } = await make({});
    await cache.setMany(citizen, [{ id: 'gone', record: { value: null, fetchedAt: 5 } }]);
    expect(await cache.getMany(citizen, ['gone'])).toEqual([{ value: null, fetchedAt: 5 }]);
  });

  it('keeps kinds and record versions apart', async () => {
    const { cache } = await make({});
    await cache.setMany(citizen, [{ id: 'same', record: { value: record('A'), fetchedAt: 1 } }]);
    expect(await cache.getMany(household, ['same'])).toEqual([undefined]);
    expect(await cache.getMany({ ...citizen, version: 2 }, ['same'])).toEqual([undefined]);
    expect(await cache.getMany({ ...citizen, version: 1 }, ['same'])).toHaveLength(1);
  });

  it('evicts by id', async () => {
    const { cache } = await make({});
    await cache.setMany(citizen, [
      { id: 'a', record: { value: record('A'), fetchedAt: 1 } },
      { id: 'b', record: { value: record('B'), fetchedAt: 1 } },
    ]);
    await cache.evict(citizen, ['a']);
    const [a, b] = await cache.getMany(citizen, ['a', 'b']);
    expect(a).toBeUndefined();
    expect(b?.value).toEqual(record('B'));
  });

  it('expires not-founds after the negative TTL and records after their own TTL', async () => {
    const { cache } = await make({
      ttlSeconds: { 'population:cong-dan': 60 },
      negativeTtlSeconds: 0.05,
      jitterRatio: 0,
      localTtlMs: 0,
    });
    await cache.setMany(citizen, [
      { id: 'found', record: { value: record('A'), fetchedAt: 1 } },
      { id: 'missing', record: { value: null, fetchedAt: 1 } },
    ]);
    await sleep(200);
    const [found, missing] = await cache.getMany(citizen, ['found', 'missing']);
    expect(found?.value).toEqual(record('A'));
    expect(missing).toBeUndefined();
  });

  it('handles empty batches', async () => {
    const { cache } = await make({});
    expect(await cache.getMany(citizen, [])).toEqual([]);
    await cache.setMany(citizen, []);
    await cache.evict(citizen, []);
  });
});
