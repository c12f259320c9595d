// Builds the results subgraph (issued procedure results and their attestations) and serves it on the
// port it is given (0: any free port); main.ts decides the port from the environment.
import { createSourceSubgraph } from '../common/createSourceSubgraph.ts';
import type { RunningSubgraph } from '../common/createSubgraphServer.ts';
import type { SubgraphOptions } from '../common/subgraphDeps.ts';
import { createResultsLoaders } from './datasources/resultsLoaders.ts';
import { resultsResolvers } from './resolvers/index.ts';

export function createResultsSubgraph(options: SubgraphOptions): Promise<RunningSubgraph> {
  return createSourceSubgraph('results', options, {
    resolvers: resultsResolvers(),
    createLoaders: createResultsLoaders,
  });
}
