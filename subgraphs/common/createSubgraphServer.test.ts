import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInternalTokenVerifier } from '../../lib/internalToken.ts';
import { silentLogger } from '../../lib/logger.ts';
import { createMetrics } from '../../lib/metrics.ts';
import { createTestSigner, postGraphQL, type TestSigner } from '../../tests/support/internalTokens.ts';
import { type RunningSubgraph, startSubgraphServer } from './createSubgraphServer.ts';

const SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@requiresScopes"])
  type Query {
    broken: String
    secret: String @requiresScopes(scopes: [["a:read"]])
  }
`;

describe('startSubgraphServer', () => {
  let signer: TestSigner;
  let subgraph: RunningSubgraph;
  let secretCalls: number;

  beforeEach(async () => {
    signer = await createTestSigner();
    secretCalls = 0;
    subgraph = await startSubgraphServer({
      name: 'test',
      sdl: SDL,
      resolvers: {
        Query: {
          broken: () => {
            throw new Error('connect ECONNREFUSED db-7.internal: citizen 001085000123');
          },
          secret: () => {
            secretCalls++;
            return 'shh';
          },
        },
      },
      createLoaders: () => ({}),
      verifier: createInternalTokenVerifier(signer.jwks, 'test'),
      port: 0,
      logger: silentLogger(),
      metrics: createMetrics('test'),
    });
  });
  afterEach(async () => {
    await subgraph.close();
  });

  it('masks an unexpected error: no message, host or identifier reaches the client', async () => {
    const answer = await postGraphQL(subgraph.url, await signer.token('test', []), '{ broken }');
    expect(answer.body.errors).toEqual([
      { message: 'Internal server error.', path: ['broken'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
  });

  it('runs a guarded resolver only with the scope', async () => {
    const without = await postGraphQL(subgraph.url, await signer.token('test', ['b:read']), '{ secret }');
    expect(without.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(secretCalls).toBe(0);
    const withScope = await postGraphQL(subgraph.url, await signer.token('test', ['a:read']), '{ secret }');
    expect(withScope.body.data).toEqual({ secret: 'shh' });
  });

  it('gives no field suggestions in validation errors', async () => {
    const answer = await postGraphQL(subgraph.url, await signer.token('test', []), '{ secre }');
    expect(answer.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});
