// Integration helpers: a real mock national database and the real subgraph in front of it, both on
// free ports, and internal tokens from a key pair of the test's own.

import { silentLogger } from '../../lib/logger.ts';
import type { Source } from '../../lib/topology.ts';
import { createMock, type MockServer } from '../../mocks/createMock.ts';
import type { Faults } from '../../mocks/faults.ts';
import { createBusinessSubgraph } from '../../subgraphs/business/createSubgraph.ts';
import type { RunningSubgraph } from '../../subgraphs/common/createSubgraphServer.ts';
import type { SubgraphOptions } from '../../subgraphs/common/subgraphDeps.ts';
import { createInsuranceSubgraph } from '../../subgraphs/insurance/createSubgraph.ts';
import { createLandSubgraph } from '../../subgraphs/land/createSubgraph.ts';
import { createPopulationSubgraph } from '../../subgraphs/population/createSubgraph.ts';
import { createResultsSubgraph } from '../../subgraphs/results/createSubgraph.ts';
import {
  createTestSigner,
  type GraphQLAnswer,
  postGraphQL,
  type TestSigner,
} from '../support/internalTokens.ts';

const API_KEY = 'integration-upstream-key';

const FACTORIES: Record<Source, (options: SubgraphOptions) => Promise<RunningSubgraph>> = {
  population: createPopulationSubgraph,
  business: createBusinessSubgraph,
  insurance: createInsuranceSubgraph,
  land: createLandSubgraph,
  results: createResultsSubgraph,
};

export interface SourceStack extends AsyncDisposable {
  readonly mock: MockServer;
  readonly subgraph: RunningSubgraph;
  readonly signer: TestSigner;
  /** Runs a query with an internal token carrying these scopes. */
  query(
    scopes: readonly string[],
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLAnswer>;
  /** /api/ requests the mock has served since the last reset. */
  upstreamRequests(): number;
}

export interface SourceStackOptions {
  readonly faults?: Partial<Faults>;
  readonly subgraph?: Partial<SubgraphOptions>;
}

export async function startSourceStack(
  source: Source,
  options: SourceStackOptions = {},
): Promise<SourceStack> {
  const mock = await createMock({
    source,
    apiKey: API_KEY,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const signer = await createTestSigner();
  let subgraph: RunningSubgraph;
  try {
    subgraph = await FACTORIES[source]({
      upstreamUrl: mock.url,
      upstreamApiKey: API_KEY,
      internalJwks: signer.jwks,
      logger: silentLogger(),
      ...options.subgraph,
    });
  } catch (error) {
    await mock.close();
    throw error;
  }
  const close = async () => {
    await subgraph.close();
    await mock.close();
  };
  return {
    mock,
    subgraph,
    signer,
    query: async (scopes, query, variables) =>
      postGraphQL(subgraph.url, await signer.token(source, scopes), query, variables),
    upstreamRequests: () => mock.stats().requests,
    [Symbol.asyncDispose]: close,
  };
}
