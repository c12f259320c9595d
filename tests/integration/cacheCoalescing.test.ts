// Stampede protection on Redis: within a process (single-flight) and across processes (fetch locks);
// a lock whose holder never fills the cache delays the others boundedly, never forever. Eviction
// reaches other replicas' in-process copies through pub/sub.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createRecordCache } from '../../lib/cache/createRecordCache.ts';
import { loadThrough } from '../../lib/cache/loadThrough.ts';
import type { RecordCache } from '../../lib/cache/types.ts';
import { silentLogger } from '../../lib/logger.ts';
import { eventually, sharedRedis, type TestRedis } from './cacheRedisHelpers.ts';

const kind = { source: 'population', entity: 'cong-dan' };
const encryption = { keys: { k1: randomBytes(32) }, currentKid: 'k1', idHashKey: randomBytes(32) };
const cleanups: (() => PromiseLike<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function replicas(n: number, localTtlMs = 0): Promise<{ server: TestRedis; caches: RecordCache[] }> {
  const server = await sharedRedis();
  cleanups.push(() => server[Symbol.asyncDispose]());
  const caches = Array.from({ length: n }, () => {
    const cache = createRecordCache({ logger: silentLogger(), redis: server.client, encryption, localTtlMs });
    cleanups.push(() => cache[Symbol.asyncDispose]());
    return cache;
  });
  return { server, caches };
}

function slowUpstream(delayMs = 50) {
  const calls: string[][] = [];
  const fetch = async (ids: string[]) => {
    calls.push(ids);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return ids.map((id) => ({ id }));
  };
  return { calls, fetch };
}

describe('stampede protection on Redis', () => {
  it('200 concurrent loads of one cold id in one process make one upstream call', async () => {
    const { caches } = await replicas(1);
    const upstream = slowUpstream();
    const results = await Promise.all(
      Array.from({ length: 200 }, () => loadThrough(caches[0] as RecordCache, kind, ['hot'], upstream.fetch)),
    );
    expect(upstream.calls).toEqual([['hot']]);
    for (const [result] of results) expect(result).toMatchObject({ value: { id: 'hot' } });
  });

  it('two processes missing the same id at once make one upstream call', async () => {
    const { caches } = await replicas(2);
    const upstream = slowUpstream(100);
    const [a, b] = await Promise.all(
      caches.map((cache) => loadThrough(cache, kind, ['hot', 'hot2'], upstream.fetch, { lockWaitMs: 2000 })),
    );
    expect(upstream.calls).toHaveLength(1);
    expect([...(a ?? []), ...(b ?? [])].every((r) => !(r instanceof Error))).toBe(true);
    expect([...(a ?? []), ...(b ?? [])].filter((r) => !(r instanceof Error) && r.fromCache)).toHaveLength(2);
  });

  it('fetches itself after a bounded wait when the lock holder never fills the cache', async () => {
    const { caches } = await replicas(2);
    const [holder, waiter] = caches as [RecordCache, RecordCache];
    expect(await holder.acquireFetchLocks?.(kind, ['stuck'])).toEqual([true]);
    const upstream = slowUpstream(0);
    const [result] = await loadThrough(waiter, kind, ['stuck'], upstream.fetch, {
      lockWaitMs: 100,
      lockPollMs: 20,
    });
    expect(result).toMatchObject({ value: { id: 'stuck' }, fromCache: false });
    expect(upstream.calls).toEqual([['stuck']]);
  });

  it('an eviction in one replica clears the in-process copy of another', async () => {
    const { server, caches } = await replicas(2, 60_000);
    const [a, b] = caches as [RecordCache, RecordCache];
    await a.setMany(kind, [{ id: 'changed', record: { value: { v: 1 }, fetchedAt: 1 } }]);
    expect((await b.getMany(kind, ['changed']))[0]?.value).toEqual({ v: 1 });
    // Wait until both replicas' subscribers listen: a broadcast before that is lost (then only the
    // local TTL bounds staleness).
    const channel = `${server.prefix}rc:evict`;
    await eventually(async () => {
      const [, listeners] = (await server.client.pubsub('NUMSUB', channel)) as [string, number];
      return Number(listeners) >= 2;
    }, 'both replicas subscribed');
    await a.evict(kind, ['changed']);
    await eventually(async () => (await b.getMany(kind, ['changed']))[0] === undefined, 'b drops its copy');
  });
});
