// Unit-test harness: a subgraph in front of an undici MockAgent (no network), with tokens of its own.
import { MockAgent } from 'undici';
import { silentLogger } from '../../lib/logger.ts';
import type { RunningSubgraph } from '../../subgraphs/common/createSubgraphServer.ts';
import type { SubgraphOptions } from '../../subgraphs/common/subgraphDeps.ts';
import { createTestSigner, type GraphQLAnswer, postGraphQL } from './internalTokens.ts';

export const MOCK_UPSTREAM = 'http://upstream.test';

export interface MockedSubgraph extends AsyncDisposable {
  readonly agent: MockAgent;
  readonly subgraph: RunningSubgraph;
  /** Answers POST `path` once with `{ ketQua }` computed from the request body. */
  answer(path: string, ketQua: (body: Record<string, unknown>) => unknown[]): void;
  query(
    scopes: readonly string[],
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLAnswer>;
}

export async function startMockedSubgraph(
  name: string,
  create: (options: SubgraphOptions) => Promise<RunningSubgraph>,
): Promise<MockedSubgraph> {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const signer = await createTestSigner();
  const subgraph = await create({
    upstreamUrl: MOCK_UPSTREAM,
    upstreamApiKey: 'test-key',
    internalJwks: signer.jwks,
    dispatcher: agent,
    logger: silentLogger(),
  });
  return {
    agent,
    subgraph,
    answer: (path, ketQua) => {
      agent
        .get(MOCK_UPSTREAM)
        .intercept({ path, method: 'POST', headers: { authorization: 'Bearer test-key' } })
        .reply(200, (opts) => ({ ketQua: ketQua(JSON.parse(String(opts.body)) as Record<string, unknown>) }));
    },
    query: async (scopes, query, variables) =>
      postGraphQL(subgraph.url, await signer.token(name, scopes), query, variables),
    async [Symbol.asyncDispose]() {
      await subgraph.close();
      agent.assertNoPendingInterceptors();
      await agent.close();
    },
  };
}
