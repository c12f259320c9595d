// The common body of the five createSubgraph.ts: assemble the dependencies, serve the SDL with the
// source's resolvers and loaders, and close what was created if starting fails.
import type { GraphQLResolverMap } from '@apollo/subgraph';
import type { RecordCache } from '../../lib/cache/types.ts';
import type { Caller } from '../../lib/internalToken.ts';
import type { Source } from '../../lib/topology.ts';
import { loadSubgraphSdl } from '../../schema/composeSupergraph.ts';
import type { SubgraphContext } from './context.ts';
import { type RunningSubgraph, startSubgraphServer } from './createSubgraphServer.ts';
import { createSubgraphDeps, type SubgraphOptions } from './subgraphDeps.ts';
import type { UpstreamClient } from './upstreamClient.ts';

export interface SourceParts<L> {
  readonly resolvers: GraphQLResolverMap<SubgraphContext<L>>;
  /** Builds one request's loaders. */
  readonly createLoaders: (client: UpstreamClient, cache: RecordCache, caller: Caller) => L;
}

export async function createSourceSubgraph<L>(
  source: Source,
  options: SubgraphOptions,
  parts: SourceParts<L>,
): Promise<RunningSubgraph> {
  const deps = createSubgraphDeps(source, options);
  try {
    return await startSubgraphServer({
      name: source,
      sdl: loadSubgraphSdl(source),
      resolvers: parts.resolvers,
      createLoaders: (caller) => parts.createLoaders(deps.client, deps.cache, caller),
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
