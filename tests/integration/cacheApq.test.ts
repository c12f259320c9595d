// The APQ store: shared by replicas through Redis, usable by Apollo Server as persistedQueries.cache,
// and still serving (per replica) while Redis is down.
import { createHash } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { afterEach, describe, expect, it } from 'vitest';
import { createApqStore } from '../../lib/cache/apqStore.ts';
import { silentLogger } from '../../lib/logger.ts';
import { closeRedisClient, createRedisClient, waitForReady } from '../../lib/redis.ts';
import { randomPrefix, sharedRedis, startRedisServer } from './cacheRedisHelpers.ts';

const cleanups: (() => PromiseLike<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('APQ store', () => {
  it('shares persisted queries between replicas and honours ttl and delete', async () => {
    const server = await sharedRedis();
    cleanups.push(() => server[Symbol.asyncDispose]());
    const a = createApqStore({ redis: server.client, logger: silentLogger() });
    const b = createApqStore({ redis: server.client, logger: silentLogger() });
    await a.set('apq:abc', '{ citizen(id: "1") { id } }');
    expect(await b.get('apq:abc')).toBe('{ citizen(id: "1") { id } }');
    expect(await server.client.pttl('apq:apq:abc')).toBeGreaterThan(86_000_000);
    await a.set('apq:short', 'q', { ttl: 0.05 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await b.get('apq:short')).toBeUndefined();
    await a.set('apq:forever', 'q', { ttl: null });
    expect(await server.client.pttl('apq:apq:forever')).toBe(-1);
    expect(await a.delete('apq:abc')).toBe(true);
    const c = createApqStore({ redis: server.client, logger: silentLogger() });
    expect(await c.get('apq:abc')).toBeUndefined();
  });

  it('serves Apollo Server persisted queries registered on another replica', async () => {
    const server = await sharedRedis();
    cleanups.push(() => server[Symbol.asyncDispose]());
    const replica = () =>
      new ApolloServer({
        typeDefs: 'type Query { hello: String }',
        resolvers: { Query: { hello: () => 'xin chào' } },
        persistedQueries: { cache: createApqStore({ redis: server.client, logger: silentLogger() }) },
      });
    const [one, two] = [replica(), replica()];
    await one.start();
    await two.start();
    cleanups.push(
      () => one.stop(),
      () => two.stop(),
    );
    const query = '{ hello }';
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    const unknown = await two.executeOperation({ extensions: { persistedQuery } } as never);
    expect(JSON.stringify(unknown.body)).toContain('PERSISTED_QUERY_NOT_FOUND');
    await one.executeOperation({ query, extensions: { persistedQuery } });
    const viaHash = await two.executeOperation({ extensions: { persistedQuery } } as never);
    expect(viaHash.body.kind === 'single' && viaHash.body.singleResult.data).toEqual({ hello: 'xin chào' });
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
    const store = createApqStore({ redis: client, logger: silentLogger() });
    await redisServer.stop();
    await store.set('apq:x', 'query');
    expect(await store.get('apq:x')).toBe('query');
    expect(await store.get('apq:never-seen')).toBeUndefined();
    expect(store.health()).toMatchObject({ ok: true, degraded: true });
  });
});
