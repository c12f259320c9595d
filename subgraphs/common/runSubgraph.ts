// What every subgraph's main.ts does: read the environment, find the gateway's keys, open the record
// cache (Redis when configured, else in-process), start, and on stop close the server before the cache.
import { cacheConfigFromEnv } from '../../lib/cache/cacheConfigFromEnv.ts';
import { openCache } from '../../lib/cache/openCache.ts';
import { ConfigError } from '../../lib/errors.ts';
import { createLogger } from '../../lib/logger.ts';
import { createMetrics } from '../../lib/metrics.ts';
import type { Source } from '../../lib/topology.ts';
import { collectProblems, readSubgraphConfig } from './config.ts';
import type { RunningSubgraph } from './createSubgraphServer.ts';
import { loadInternalJwks } from './internalJwks.ts';
import type { SubgraphOptions } from './subgraphDeps.ts';

export async function startSubgraphFromEnv(
  source: Source,
  create: (options: SubgraphOptions) => Promise<RunningSubgraph>,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<AsyncDisposable> {
  const problems: string[] = [];
  const config = collectProblems(problems, () => readSubgraphConfig(source, environment));
  const cacheConfig = await cacheConfigFromEnv(environment).catch((error: unknown) =>
    collectProblems(problems, () => {
      throw error;
    }),
  );
  if (!config || !cacheConfig) throw new ConfigError(problems);
  const internalJwks = await loadInternalJwks({ file: config.internalJwksFile, dev: config.dev });
  const name = `subgraph-${source}`;
  const logger = createLogger({ name });
  const metrics = createMetrics(name);
  const cache = await openCache(cacheConfig, { metrics, logger, connectionName: name });
  try {
    const subgraph = await create({
      port: config.port,
      upstreamUrl: config.upstreamUrl,
      upstreamApiKey: config.upstreamApiKey,
      upstreamTimeoutMs: config.upstreamTimeoutMs,
      citizensMaxIds: config.citizensMaxIds,
      resilience: config.resilience,
      internalJwks,
      cache: cache.cache,
      logger,
      metrics,
    });
    return {
      async [Symbol.asyncDispose]() {
        await subgraph.close();
        await cache[Symbol.asyncDispose]();
      },
    };
  } catch (error) {
    await cache[Symbol.asyncDispose]();
    throw error;
  }
}
