// Invalidation: the national database publishes a change event for every updated record
// (`GET /api/v1/su-kien`, Server-Sent Events); the subgraph evicts the affected cache entries as each
// event arrives. Every replica subscribes, so each drops its own in-process copy at once; the record
// cache's eviction broadcast reaches the replicas whose stream lags. The stream reconnects with a
// bounded exponential backoff; events published while it was down are lost, so the records' TTL
// remains the upper bound on staleness.
import { Counter } from 'prom-client';
import { Client } from 'undici';
import type { RecordCache } from '../../lib/cache/types.ts';
import type { Logger } from '../../lib/logger.ts';
import { type Metrics, singleMetric } from '../../lib/metrics.ts';
import type { Source } from '../../lib/topology.ts';
import { changeTargets, type EvictionTarget } from './cacheTargets.ts';

export interface ChangeFeedOptions {
  readonly source: Source;
  /** Base URL of the national database. */
  readonly upstreamUrl: string;
  readonly upstreamApiKey: string;
  readonly cache: RecordCache;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** First pause before reconnecting, ms; doubled per failure up to maxBackoffMs. Default 100. */
  readonly minBackoffMs?: number;
  /** Longest pause between reconnections, ms; default 5000. */
  readonly maxBackoffMs?: number;
  /**
   * Silence after which the stream is presumed dead and reopened, ms; default 45 000 (the mocks send
   * a keep-alive comment every 15 s).
   */
  readonly idleTimeoutMs?: number;
}

export interface ChangeFeed extends AsyncDisposable {
  /** True while the event stream is open. */
  connected(): boolean;
  close(): Promise<void>;
}

export const CHANGE_FEED_PATH = '/api/v1/su-kien';

export function startChangeFeed(options: ChangeFeedOptions): ChangeFeed {
  const minBackoff = options.minBackoffMs ?? 100;
  const maxBackoff = options.maxBackoffMs ?? 5000;
  // A client of its own: the upstream pool's body timeout (a couple of seconds) would cut an idle stream.
  const client = new Client(new URL(options.upstreamUrl).origin, {
    bodyTimeout: options.idleTimeoutMs ?? 45_000,
    headersTimeout: 5_000,
  });
  const evictions = options.metrics ? evictionCounter(options.metrics) : undefined;
  const stop = new AbortController();
  let open = false;
  const onEvent = (data: string) => {
    const targets = parseChangeEvent(options.source, data);
    if (!targets) {
      options.logger.warn({ source: options.source }, 'malformed change event ignored');
      return;
    }
    for (const target of targets) {
      options.cache.evict(target.kind, target.ids).then(
        () => evictions?.inc({ source: options.source, reason: 'change' }),
        (error: Error) =>
          // The shared store is unreachable: the record expires with its TTL instead.
          options.logger.warn(
            { source: options.source, err: { message: error.message } },
            'change eviction failed',
          ),
      );
    }
  };
  const loop = (async () => {
    let backoff = minBackoff;
    while (!stop.signal.aborted) {
      try {
        const response = await client.request({
          method: 'GET',
          path: CHANGE_FEED_PATH,
          headers: { authorization: `Bearer ${options.upstreamApiKey}`, accept: 'text/event-stream' },
          signal: stop.signal,
        });
        if (response.statusCode !== 200) {
          await response.body.dump();
          throw new Error(`change feed answered HTTP ${response.statusCode}`);
        }
        open = true;
        backoff = minBackoff;
        options.logger.debug({ source: options.source }, 'change feed connected');
        await readEvents(response.body, onEvent);
      } catch (error) {
        if (stop.signal.aborted) break;
        options.logger.debug(
          { source: options.source, err: { message: (error as Error).message } },
          'change feed interrupted',
        );
      } finally {
        open = false;
      }
      if (stop.signal.aborted) break;
      await pause(backoff, stop.signal);
      backoff = Math.min(maxBackoff, backoff * 2);
    }
  })();
  const close = async () => {
    stop.abort();
    await loop;
    await client.destroy().catch(() => {});
  };
  return { connected: () => open, close, [Symbol.asyncDispose]: close };
}

/** One event's `data:` → what to evict; undefined when it is not a change event. */
export function parseChangeEvent(source: Source, data: string): EvictionTarget[] | undefined {
  try {
    const event = JSON.parse(data) as { loai?: unknown; ma?: unknown };
    if (typeof event.loai !== 'string' || typeof event.ma !== 'string') return undefined;
    return changeTargets(source, event.loai, event.ma);
  } catch {
    return undefined;
  }
}

/** Splits an SSE byte stream into events and hands each one's data (multi-line data joined) to onData. */
export async function readEvents(body: AsyncIterable<Buffer>, onData: (data: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = '';
  let data: string[] = [];
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).replace(/\r$/, '');
      buffered = buffered.slice(newline + 1);
      if (line === '') {
        if (data.length > 0) onData(data.join('\n'));
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      }
      newline = buffered.indexOf('\n');
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

// Registered once per registry: tests and replicas in one process may share it.
export function evictionCounter(metrics: Metrics): Counter<'source' | 'reason'> {
  const name = 'lienthong_cache_evictions_total';
  return singleMetric(
    metrics.registry,
    name,
    () =>
      new Counter({
        name,
        help: 'Cache evictions by source and reason (change: an upstream change event; request: an operator).',
        labelNames: ['source', 'reason'],
        registers: [metrics.registry],
      }),
  );
}
