// The APQ store: shared by replicas through Redis, sealed there, and still serving (per replica) while
// Redis is down.
import { afterEach, describe, expect, it } from 'vitest';
import { createApqStore } from '../../lib/cache/apqStore.ts';
import { createRecordSealer } from '../../lib/cache/recordSealer.ts';
import { silentLogger } from '../../lib/logger.ts';
import { closeRedisClient, createRedisClient, waitForReady } from '../../lib/redis.ts';
import { randomPrefix, sharedRedis, startRedisServer, testEncryption } from './cacheRedisHelpers.ts';

const sealer = createRecordSealer(testEncryption());

const cleanups: (() => PromiseLike<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('APQ store', () => {
  it('shares persisted queries between replicas and honours ttl and delete', async () => {
    const server = await sharedRedis();
    cleanups.push(() => server[Symbol.asyncDispose]());
    const a = createApqStore({ redis: server.client, sealer, logger: silentLogger() });
    const b = createApqStore({ redis: server.client, sealer, logger: silentLogger() });
    await a.set('apq:abc', '{ citizen(id: "1") { id } }');
    expect(await b.get('apq:abc')).toBe('{ citizen(id: "1") { id } }');
    expect(await server.client.pttl('apq:apq:abc')).toBeGreaterThan(86_000_000);
    await a.set('apq:short', 'q', { ttl: 0.05 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await b.get('apq:short')).toBeUndefined();
    await a.set('apq:forever', 'q', { ttl: null });
    expect(await server.client.pttl('apq:apq:forever')).toBe(-1);
    expect(await a.delete('apq:abc')).toBe(true);
    const c = createApqStore({ redis: server.client, sealer, logger: silentLogger() });
    expect(await c.get('apq:abc')).toBeUndefined();
  });

  it('a dump of Redis shows neither the query text nor the identifier in it', async () => {
    const server = await sharedRedis();
    cleanups.push(() => server[Symbol.asyncDispose]());
    const store = createApqStore({ redis: server.client, sealer, logger: silentLogger() });
    const text = '{ citizen(id: "092082031521") { fullName } }';
    await store.set('apq:opaque-key', text);
    // The store's own namespace ('apq:') comes before the caller's key.
    const raw = await server.client.getBuffer('apq:apq:opaque-key');
    expect(raw).not.toBeNull();
    expect(raw!.toString('latin1')).not.toContain('092082031521');
    expect(raw!.toString('latin1')).not.toContain('citizen');
    // A value moved under another key does not open (the key is the seal's associated data).
    await server.client.set('apq:apq:moved', raw!);
    const fresh = createApqStore({ redis: server.client, sealer, logger: silentLogger() });
    expect(await fresh.get('apq:moved')).toBeUndefined();
    expect(await fresh.get('apq:opaque-key')).toBe(text);
  });

  it('refuses to keep query texts in Redis without a sealer', () => {
    expect(() => createApqStore({ redis: {} as never, logger: silentLogger() })).toThrow(/sealer/);
  });

  it('keeps working in process while Redis is down', async () => {
    const redisServer = await startRedisServer();
    cleanups.push(() => redisServer.stop());
    const client = createRedisClient({
      url: redisServer.url,
      keyPrefix: randomPrefix(),
      logger: silentLogger(),
    });
    cleanups.push(() => closeRedisClient(client));
    expect(await waitForReady(client, 5000)).toBe(true);
    const store = createApqStore({ redis: client, sealer, logger: silentLogger() });
    await redisServer.stop();
    await store.set('apq:x', 'query');
    expect(await store.get('apq:x')).toBe('query');
    expect(await store.get('apq:never-seen')).toBeUndefined();
    expect(store.health()).toMatchObject({ ok: true, degraded: true });
  });
});
