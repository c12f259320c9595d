// The dependencies every subgraph factory assembles the same way: upstream pool and client, token
// verifier, metrics, logger, cache. What the factory creates (the pool) it closes; what it is given
// (dispatcher, cache, logger) stays the caller's.
import type { JSONWebKeySet } from 'jose';
import { type Dispatcher, request } from 'undici';
import { noCache, type RecordCache } from '../../lib/cache/types.ts';
import type { CheckResult } from '../../lib/httpServer.ts';
import { createInternalTokenVerifier, type InternalTokenVerifier } from '../../lib/internalToken.ts';
import { createLogger, type Logger } from '../../lib/logger.ts';
import { createMetrics, type Metrics } from '../../lib/metrics.ts';
import type { Source } from '../../lib/topology.ts';
import { createSourceResilience, type ResilienceOptions } from './resilience.ts';
import { createUpstreamClient, createUpstreamPool, type UpstreamClient } from './upstreamClient.ts';

export interface SubgraphOptions {
  /** Port to listen on; default 0 (any free port). */
  readonly port?: number;
  /** Interface to bind; default 127.0.0.1. */
  readonly host?: string;
  /** Base URL of the national database. */
  readonly upstreamUrl: string;
  /** Credential for the national database. */
  readonly upstreamApiKey: string;
  /** Upper bound on one upstream request in ms; default 2000. */
  readonly upstreamTimeoutMs?: number;
  /** The gateway's internal-token public keys. */
  readonly internalJwks: JSONWebKeySet;
  /** Cache of upstream records; default noCache. */
  readonly cache?: RecordCache;
  /** Default: a logger named subgraph-<name>. */
  readonly logger?: Logger;
  /** Default: a fresh registry. */
  readonly metrics?: Metrics;
  /** Upstream dispatcher (tests pass a MockAgent); default a keep-alive Pool the subgraph owns. */
  readonly dispatcher?: Dispatcher;
  /** Clock for token checks; default the system clock. */
  readonly clock?: () => Date;
  /** Most ids `citizens(ids:)` accepts; default 100 (population only). */
  readonly citizensMaxIds?: number;
  /** Retries and circuit breaker of the upstream; default DEFAULT_RESILIENCE (resilience.ts). */
  readonly resilience?: Partial<ResilienceOptions>;
  /**
   * Follow the upstream's change events and evict what they make stale (changeFeed.ts); default true
   * when a cache is given.
   */
  readonly changeFeed?: boolean;
}

export interface SubgraphDeps {
  readonly source: Source;
  readonly client: UpstreamClient;
  readonly cache: RecordCache;
  readonly verifier: InternalTokenVerifier;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly upstreamCheck: () => Promise<CheckResult>;
  /** Closes what the deps created. */
  readonly close: () => Promise<void>;
}

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 2000;

export function createSubgraphDeps(source: Source, options: SubgraphOptions): SubgraphDeps {
  const timeoutMs = options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const ownPool = options.dispatcher ? undefined : createUpstreamPool(options.upstreamUrl, timeoutMs);
  const dispatcher = options.dispatcher ?? ownPool!;
  const logger = options.logger ?? createLogger({ name: `subgraph-${source}` });
  const metrics = options.metrics ?? createMetrics(`subgraph-${source}`);
  // One breaker per source per process, shared by every request: it must see all their failures.
  const resilience = createSourceResilience({ source, metrics, logger, options: options.resilience ?? {} });
  const client = createUpstreamClient({
    source,
    resilience,
    baseUrl: options.upstreamUrl,
    apiKey: options.upstreamApiKey,
    timeoutMs,
    dispatcher,
    metrics,
    logger,
  });
  return {
    source,
    client,
    cache: options.cache ?? noCache,
    verifier: createInternalTokenVerifier(options.internalJwks, source, options.clock),
    logger,
    metrics,
    // An open circuit is reported as it is; probing the upstream behind it would defeat its purpose.
    upstreamCheck: async () => {
      const circuit = resilience.check();
      return circuit.ok ? checkUpstream(dispatcher, options.upstreamUrl, timeoutMs) : circuit;
    },
    close: async () => {
      await ownPool?.close();
    },
  };
}

/**
 * An unreachable national database degrades the subgraph (its fields answer UPSTREAM_UNAVAILABLE) but
 * does not make it unready: the rest of every response is still served.
 */
async function checkUpstream(
  dispatcher: Dispatcher,
  baseUrl: string,
  timeoutMs: number,
): Promise<CheckResult> {
  try {
    const response = await request(`${baseUrl.replace(/\/+$/, '')}/healthz`, {
      dispatcher,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump();
    const ok = response.statusCode === 200;
    return { ok, degraded: !ok, detail: ok ? 'upstream answers' : 'upstream unhealthy' };
  } catch {
    return { ok: false, degraded: true, detail: 'upstream unreachable' };
  }
}
