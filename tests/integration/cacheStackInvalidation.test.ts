// Invalidation across replicas: two population subgraphs (each with its own in-process copy, kept long
// here so that only an eviction can drop it) share one Redis; a change event published by the mock
// evicts the record within a second in both, and both then serve the new version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordCache, type ManagedRecordCache } from '../../lib/cache/createRecordCache.ts';
import { silentLogger } from '../../lib/logger.ts';
import { createMock, type MockServer } from '../../mocks/createMock.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import type { RunningSubgraph } from '../../subgraphs/common/createSubgraphServer.ts';
import { createPopulationSubgraph } from '../../subgraphs/population/createSubgraph.ts';
import { createTestSigner, postGraphQL, type TestSigner } from '../support/internalTokens.ts';
import { eventually, sharedRedis, type TestRedis, testEncryption } from './cacheRedisHelpers.ts';

const KIND = { source: 'population', entity: 'cong-dan' };
const ID = FIXTURES.wife;
const QUERY = 'query($id: ID!) { citizen(id: $id) { fullName } }';

let redis: TestRedis;
let mock: MockServer;
let signer: TestSigner;
const caches: ManagedRecordCache[] = [];
const replicas: RunningSubgraph[] = [];

beforeAll(async () => {
  redis = await sharedRedis();
  mock = await createMock({ source: 'population', apiKey: 'k' });
  signer = await createTestSigner();
  const encryption = testEncryption();
  for (let i = 0; i < 2; i++) {
    const cache = createRecordCache({
      redis: redis.client,
      encryption,
      logger: silentLogger(),
      localTtlMs: 600_000,
    });
    caches.push(cache);
    replicas.push(
      await createPopulationSubgraph({
        upstreamUrl: mock.url,
        upstreamApiKey: 'k',
        internalJwks: signer.jwks,
        cache,
        logger: silentLogger(),
      }),
    );
  }
});

afterAll(async () => {
  for (const replica of replicas) await replica.close();
  for (const cache of caches) await cache[Symbol.asyncDispose]();
  await mock?.close();
  await redis?.[Symbol.asyncDispose]();
});

const ask = async (replica: RunningSubgraph) =>
  postGraphQL(replica.url, await signer.token('population', ['population:read']), QUERY, { id: ID });
const versionIn = async (cache: ManagedRecordCache) =>
  ((await cache.getMany<{ phienBan: number }>(KIND, [ID]))[0]?.value as { phienBan: number } | undefined)
    ?.phienBan;

describe('change events', () => {
  it('evict a changed record within a second in both replicas, which then serve the new version', async () => {
    for (const replica of replicas) await ask(replica);
    expect([await versionIn(caches[0]!), await versionIn(caches[1]!)]).toEqual([1, 1]);

    mock.resetStats();
    mock.touch('cong-dan', ID);
    // Bounded wait: 20 polls of 50 ms.
    await eventually(
      async () => (await versionIn(caches[0]!)) === undefined && (await versionIn(caches[1]!)) === undefined,
      'both replicas evicted the record within a second',
      20,
      50,
    );

    for (const replica of replicas) expect((await ask(replica)).body.errors).toBeUndefined();
    expect(mock.stats().requests).toBe(1);
    expect([await versionIn(caches[0]!), await versionIn(caches[1]!)]).toEqual([2, 2]);
  });
});
