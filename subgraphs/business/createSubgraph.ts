// Builds the business subgraph (enterprises, their representatives and owners) and serves it on the
// port it is given (0: any free port); main.ts decides the port from the environment.
import { createSourceSubgraph } from '../common/createSourceSubgraph.ts';
import type { RunningSubgraph } from '../common/createSubgraphServer.ts';
import type { SubgraphOptions } from '../common/subgraphDeps.ts';
import { createBusinessLoaders } from './datasources/businessLoaders.ts';
import { businessResolvers } from './resolvers/index.ts';

export function createBusinessSubgraph(options: SubgraphOptions): Promise<RunningSubgraph> {
  return createSourceSubgraph('business', options, {
    resolvers: businessResolvers(),
    createLoaders: createBusinessLoaders,
  });
}
