// One Redis round trip per DataLoader batch: a getMany of many ids is one MGET, a setMany one pipeline
// (SETs and the lock release together), never one command per key. Counted on a private server with
// MONITOR (commands) and on the client's socket (writes = round trips).

import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRecordCache } from '../../lib/cache/createRecordCache.ts';
import { loadThrough } from '../../lib/cache/loadThrough.ts';
import { silentLogger } from '../../lib/logger.ts';
import { closeRedisClient, createRedisClient, type RedisClient, waitForReady } from '../../lib/redis.ts';
import { type RedisProcess, randomPrefix, startRedisServer, testEncryption } from './cacheRedisHelpers.ts';

const kind = { source: 'population', entity: 'cong-dan' };
const ids = Array.from({ length: 50 }, (_, i) => `0010900${String(i).padStart(5, '0')}`);
const cleanups: (() => PromiseLike<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const server: RedisProcess = await startRedisServer();
  cleanups.push(() => server.stop());
  const client = createRedisClient({ url: server.url, keyPrefix: randomPrefix(), logger: silentLogger() });
  cleanups.push(() => closeRedisClient(client));
  expect(await waitForReady(client, 5000)).toBe(true);
  const monitorClient = createRedisClient({
    url: server.url,
    keyPrefix: '',
    logger: silentLogger(),
  }) as Redis;
  cleanups.push(() => closeRedisClient(monitorClient));
  expect(await waitForReady(monitorClient, 5000)).toBe(true);
  const monitor = await monitorClient.monitor();
  cleanups.push(async () => monitor.disconnect());
  const commands: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => commands.push(args));
  const writes = countWrites(client);
  const cache = createRecordCache({
    logger: silentLogger(),
    redis: client,
    encryption: testEncryption(),
    localTtlMs: 0,
  });
  cleanups.push(() => cache[Symbol.asyncDispose]());
  // MONITOR reports asynchronously: a PING from the cache's client marks the end of what to count.
  const settle = async () => {
    await client.ping();
    for (let i = 0; i < 100 && !commands.some((c) => c[0]?.toLowerCase() === 'ping'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const seen = commands.splice(0).filter((c) => c[0]?.toLowerCase() !== 'ping');
    return seen.map((c) => c[0]?.toLowerCase());
  };
  return { cache, writes, settle };
}

function countWrites(client: RedisClient): { count: number } {
  const counter = { count: 0 };
  const stream = (client as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
  const write = stream.write.bind(stream);
  stream.write = (...args: unknown[]) => {
    counter.count++;
    return write(...args);
  };
  return counter;
}

describe('record cache round trips', () => {
  it('reads a batch of 50 ids with one MGET in one round trip', async () => {
    const { cache, writes, settle } = await setup();
    await cache.getMany(kind, ids);
    expect(writes.count).toBe(1);
    expect(await settle()).toEqual(['mget']);
  });

  it('writes a batch back in one pipelined round trip', async () => {
    const { cache, writes, settle } = await setup();
    await cache.setMany(
      kind,
      ids.map((id) => ({ id, record: { value: { id }, fetchedAt: 1 } })),
    );
    expect(writes.count).toBe(1);
    const seen = await settle();
    expect(seen.filter((c) => c === 'set')).toHaveLength(50);
    expect(seen.filter((c) => c !== 'set')).toEqual(['del']);
  });

  it('costs a cold batch three round trips (read, lock, write) and a warm one a single read', async () => {
    const { cache, writes, settle } = await setup();
    await loadThrough(cache, kind, ids, async (missing) => missing.map((id) => ({ id })));
    expect(writes.count).toBe(3);
    expect(new Set(await settle())).toEqual(new Set(['mget', 'set', 'del']));
    writes.count = 0;
    const warm = await loadThrough(cache, kind, ids, async () => {
      throw new Error('a warm batch must not go upstream');
    });
    expect(warm.every((r) => !(r instanceof Error) && r.fromCache)).toBe(true);
    expect(writes.count).toBe(1);
  });
});
