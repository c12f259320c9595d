// Builds the land subgraph (land certificates and parcels) and serves it on the
// port it is given (0: any free port); main.ts decides the port from the environment.
import { createSourceSubgraph } from '../common/createSourceSubgraph.ts';
import type { RunningSubgraph } from '../common/createSubgraphServer.ts';
import type { SubgraphOptions } from '../common/subgraphDeps.ts';
import { createLandLoaders } from './datasources/landLoaders.ts';
import { landResolvers } from './resolvers/index.ts';

export function createLandSubgraph(options: SubgraphOptions): Promise<RunningSubgraph> {
  return createSourceSubgraph('land', options, {
    resolvers: landResolvers(),
    createLoaders: createLandLoaders,
  });
}
