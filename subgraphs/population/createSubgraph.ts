// Builds the population subgraph (identity, residence, household, family) and serves it on the port
// it is given (0: any free port); main.ts decides the port from the environment.
import { createSourceSubgraph } from '../common/createSourceSubgraph.ts';
import type { RunningSubgraph } from '../common/createSubgraphServer.ts';
import type { SubgraphOptions } from '../common/subgraphDeps.ts';
import { createPopulationLoaders } from './datasources/populationLoaders.ts';
import { populationResolvers } from './resolvers/index.ts';

export const DEFAULT_CITIZENS_MAX_IDS = 100;

export function createPopulationSubgraph(options: SubgraphOptions): Promise<RunningSubgraph> {
  return createSourceSubgraph('population', options, {
    resolvers: populationResolvers({ citizensMaxIds: options.citizensMaxIds ?? DEFAULT_CITIZENS_MAX_IDS }),
    createLoaders: createPopulationLoaders,
  });
}
