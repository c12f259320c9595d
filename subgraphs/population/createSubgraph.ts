// Builds the population subgraph (identity, residence, household, family) and serves it on the port
// it is given; main.ts decides the port from the environment.
import { loadSubgraphSdl } from '../../schema/composeSupergraph.ts';
import { type RunningSubgraph, startSubgraphServer } from '../common/createSubgraphServer.ts';
import { createSubgraphDeps, type SubgraphOptions } from '../common/subgraphDeps.ts';
import { populationLoadersFactory } from './context.ts';
import { populationResolvers } from './resolvers/index.ts';

export const DEFAULT_CITIZENS_MAX_IDS = 100;

export async function createPopulationSubgraph(options: SubgraphOptions): Promise<RunningSubgraph> {
  const deps = createSubgraphDeps('population', options);
  try {
    return await startSubgraphServer({
      name: 'population',
      sdl: loadSubgraphSdl('population'),
      resolvers: populationResolvers({ citizensMaxIds: options.citizensMaxIds ?? DEFAULT_CITIZENS_MAX_IDS }),
      createLoaders: populationLoadersFactory(deps.client, deps.cache),
      verifier: deps.verifier,
      port: options.port ?? 0,
      ...(options.host === undefined ? {} : { host: options.host }),
      logger: deps.logger,
      metrics: deps.metrics,
      checks: { upstream: deps.upstreamCheck },
      onClose: deps.close,
    });
  } catch (error) {
    await deps.close();
    throw error;
  }
}
