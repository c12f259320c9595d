// The common body of the five createSubgraph.ts: assemble the dependencies, serve the SDL with the
// source's resolvers and loaders, and close what was created if starting fails.
import type { GraphQLResolverMap } from '@apollo/subgraph';
import type { RecordCache } from '../../lib/cache/types.ts';
import type { CheckResult, ReadinessCheck } from '../../lib/httpServer.ts';
import type { Caller } from '../../lib/internalToken.ts';
import type { Source } from '../../lib/topology.ts';
import { loadSubgraphSdl } from '../../schema/composeSupergraph.ts';
import { type ChangeFeed, startChangeFeed } from './changeFeed.ts';
import type { SubgraphContext } from './context.ts';
import { type RunningSubgraph, startSubgraphServer } from './createSubgraphServer.ts';
import { createEvictHandler } from './evictHandler.ts';
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
  const feed =
    options.cache && options.changeFeed !== false
      ? startChangeFeed({
          source,
          upstreamUrl: options.upstreamUrl,
          upstreamApiKey: options.upstreamApiKey,
          cache: deps.cache,
          logger: deps.logger,
          metrics: deps.metrics,
        })
      : undefined;
  const close = async () => {
    await feed?.close();
    await deps.close();
  };
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
      checks: { upstream: deps.upstreamCheck, ...cacheChecks(deps.cache, feed) },
      routes: [
        createEvictHandler({
          source,
          cache: deps.cache,
          verifier: deps.verifier,
          logger: deps.logger,
          metrics: deps.metrics,
        }),
      ],
      onClose: close,
    });
  } catch (error) {
    await close();
    throw error;
  }
}

/** /readyz entries: the cache's health when it reports one, and whether the change feed is open. */
function cacheChecks(cache: RecordCache, feed: ChangeFeed | undefined): Record<string, ReadinessCheck> {
  const checks: Record<string, ReadinessCheck> = {};
  const health = (cache as { health?: () => CheckResult }).health;
  if (typeof health === 'function') checks['cache'] = () => health.call(cache);
  // A closed feed means staleness bounded by TTLs only: degraded, never unready.
  if (feed)
    checks['changeFeed'] = () =>
      feed.connected()
        ? { ok: true, detail: 'connected' }
        : { ok: true, degraded: true, detail: 'reconnecting' };
  return checks;
}
