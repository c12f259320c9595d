// The subgraphs' batch path through the real Redis record cache: a warm query makes no upstream
// request, and a second replica sharing Redis is warm too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordCache } from '../../lib/cache/createRecordCache.ts';
import { silentLogger } from '../../lib/logger.ts';
import { createMock, type MockServer } from '../../mocks/createMock.ts';
import { sampleCitizenIds } from '../../mocks/data/samples.ts';
import type { RunningSubgraph } from '../../subgraphs/common/createSubgraphServer.ts';
import { createPopulationSubgraph } from '../../subgraphs/population/createSubgraph.ts';
import { createTestSigner, postGraphQL, type TestSigner } from '../support/internalTokens.ts';
import { sharedRedis, type TestRedis, testEncryption } from './cacheRedisHelpers.ts';

const IDS = sampleCitizenIds(100, 'cache');
const QUERY = 'query($ids: [ID!]!) { citizens(ids: $ids) { id fullName household { code } } }';

describe('population subgraph over the Redis record cache', () => {
  let redis: TestRedis;
  let mock: MockServer;
  let signer: TestSigner;
  const replicas: RunningSubgraph[] = [];

  beforeAll(async () => {
    redis = await sharedRedis();
    mock = await createMock({ source: 'population', apiKey: 'k' });
    signer = await createTestSigner();
    const encryption = testEncryption();
    for (let i = 0; i < 2; i++) {
      // Each replica has its own cache object (its own in-process copy) over the same Redis keys.
      const cache = createRecordCache({
        redis: redis.client,
        encryption,
        logger: silentLogger(),
        localTtlMs: 0,
      });
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
    await mock?.close();
    await redis?.[Symbol.asyncDispose]();
  });

  const ask = async (replica: RunningSubgraph) =>
    postGraphQL(replica.url, await signer.token('population', ['population:read']), QUERY, { ids: IDS });

  it('fetches a cold query from upstream, then serves it warm with no upstream request', async () => {
    mock.resetStats();
    const cold = await ask(replicas[0]!);
    expect(cold.body.errors).toBeUndefined();
    expect(mock.stats().requests).toBeGreaterThan(0);

    mock.resetStats();
    const warm = await ask(replicas[0]!);
    expect(warm.body).toEqual(cold.body);
    expect(mock.stats().requests).toBe(0);
  });

  it('serves another replica from the shared cache', async () => {
    mock.resetStats();
    const answer = await ask(replicas[1]!);
    expect(answer.body.errors).toBeUndefined();
    expect(mock.stats().requests).toBe(0);
  });
});
