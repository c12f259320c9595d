// The HTTP client of one national database. Every request is bounded four ways: a pool connection
// limit (the upstream serves many gateways), a share of it per client system (a bulkhead: one client's
// flood waits behind its own requests, not in front of everyone's), the mocks' batch limit (callers
// batch at most 100 keys), and a whole-request deadline. Failures become an UpstreamError that names no
// host, body or identifier.
import { type BulkheadPolicy, bulkhead, isBulkheadRejectedError } from 'cockatiel';
import type { Dispatcher } from 'undici';
import { Pool, request } from 'undici';
import type { Logger } from '../../lib/logger.ts';
import type { Metrics } from '../../lib/metrics.ts';
import type { SourceResilience } from './resilience.ts';

/**
 * 'circuit-open': not sent at all, the source's circuit breaker is open (resilience.ts);
 * 'deadline': cut short by the gateway's deadline, before the upstream's own timeout (not its fault);
 * 'overloaded': not sent, the client's share of connections and its queue are full.
 */
export type UpstreamFailure =
  | 'timeout'
  | 'status'
  | 'network'
  | 'malformed'
  | 'circuit-open'
  | 'deadline'
  | 'overloaded';

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly source: string;
  readonly failure: UpstreamFailure;
  readonly status: number | undefined;
  /** The upstream's Retry-After, in ms from when it answered. */
  readonly retryAfterMs: number | undefined;
  constructor(source: string, failure: UpstreamFailure, status?: number, retryAfterMs?: number) {
    super(`${source} upstream ${failure}${status === undefined ? '' : ` (HTTP ${status})`}`);
    this.source = source;
    this.failure = failure;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface UpstreamClientOptions {
  readonly source: string;
  /** Base URL of the national database, e.g. http://127.0.0.1:4101. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer …`. */
  readonly apiKey: string;
  /** Upper bound on one request, from sending to the last body byte, in ms. */
  readonly timeoutMs: number;
  /** The pool (or, in tests, a MockAgent); the caller owns and closes it. */
  readonly dispatcher: Dispatcher;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** The source's retries and circuit breaker, shared by every request; default none (one attempt). */
  readonly resilience?: SourceResilience;
  /** Calls of one client system in flight at once (its bulkhead); default half the pool's connections. */
  readonly perClientConcurrency?: number;
  /** Calls of one client system waiting for its bulkhead; default 1 000. */
  readonly perClientQueue?: number;
}

export interface RequestOptions {
  /** Epoch ms after which the gateway no longer waits: the request is cut there if that is sooner. */
  readonly deadline?: number | undefined;
  /** The gateway's request id, for logs; sent on as X-Request-Id so the national database can log it too. */
  readonly requestId?: string | undefined;
  /** Safe to retry: default true for GET, false for POST (the batch lookups are POSTed reads and say so). */
  readonly idempotent?: boolean | undefined;
  /** The client system asking (the internal token's client), whose bulkhead the call takes a slot of. */
  readonly clientId?: string | undefined;
}

export interface UpstreamClient {
  /** POSTs a JSON body and returns the parsed JSON answer. */
  postJson<T>(path: string, body: unknown, options?: RequestOptions): Promise<T>;
  /** GETs a JSON document. */
  getJson<T>(path: string, options?: RequestOptions): Promise<T>;
}

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const call = async <T>(method: 'GET' | 'POST', path: string, body: unknown, opts: RequestOptions = {}) => {
    const started = performance.now();
    const timeoutMs = effectiveTimeout(options.timeoutMs, opts.deadline);
    // A call that the gateway's deadline cut short says nothing about the source's health.
    const cutByDeadline = timeoutMs < options.timeoutMs;
    options.metrics.upstreamRequests.inc({ source: options.source });
    const log = { source: options.source, path, rid: opts.requestId };
    try {
      const response = await request(`${base}${path}`, {
        method,
        dispatcher: options.dispatcher,
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(opts.requestId === undefined ? {} : { 'x-request-id': opts.requestId }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // undici's headersTimeout/bodyTimeout (300 s by default) bound only the gaps between bytes, so a
        // slow-dripping upstream could hold a request for minutes: the signal bounds the whole exchange.
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.statusCode < 200 || response.statusCode >= 300) {
        await response.body.dump();
        throw new UpstreamError(
          options.source,
          'status',
          response.statusCode,
          parseRetryAfter(response.headers['retry-after']),
        );
      }
      const parsed = await response.body.json().catch(() => {
        throw new UpstreamError(options.source, 'malformed');
      });
      options.logger.debug({ ...log, ms: Math.round(performance.now() - started) }, 'upstream request');
      return parsed as T;
    } catch (error) {
      const failure = classify(options.source, error, cutByDeadline);
      options.logger.warn(
        {
          ...log,
          failure: failure.failure,
          status: failure.status,
          ms: Math.round(performance.now() - started),
        },
        'upstream request failed',
      );
      throw failure;
    }
  };
  const attempt = <T>(method: 'GET' | 'POST', path: string, body: unknown, opts: RequestOptions) => {
    if (!options.resilience) return call<T>(method, path, body, opts);
    return options.resilience.run(() => call<T>(method, path, body, opts), {
      idempotent: opts.idempotent ?? method === 'GET',
      deadline: opts.deadline,
    });
  };
  const bulkheads = clientBulkheads(
    options.perClientConcurrency ?? Math.max(1, Math.floor(DEFAULT_UPSTREAM_CONNECTIONS / 2)),
    options.perClientQueue ?? 1_000,
  );
  const run = async <T>(method: 'GET' | 'POST', path: string, body: unknown, opts: RequestOptions = {}) => {
    if (opts.clientId === undefined) return attempt<T>(method, path, body, opts);
    try {
      return await bulkheads.run(opts.clientId, () => attempt<T>(method, path, body, opts));
    } catch (error) {
      if (isBulkheadRejectedError(error)) throw new UpstreamError(options.source, 'overloaded');
      throw error;
    }
  };
  return {
    postJson: (path, body, opts) => run('POST', path, body, opts),
    getJson: (path, opts) => run('GET', path, undefined, opts),
  };
}

/** The configured timeout, shortened to the gateway's deadline when that comes first (at least 1 ms). */
export function effectiveTimeout(timeoutMs: number, deadline: number | undefined, now = Date.now()): number {
  if (deadline === undefined) return timeoutMs;
  return Math.max(1, Math.min(timeoutMs, deadline - now));
}

/** Retry-After as delta-seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** One bulkhead per client system, dropped again when it is idle (client ids are few, but unbounded). */
function clientBulkheads(limit: number, queue: number) {
  const byClient = new Map<string, BulkheadPolicy>();
  return {
    async run<T>(clientId: string, fn: () => Promise<T>): Promise<T> {
      let policy = byClient.get(clientId);
      if (!policy) {
        policy = bulkhead(limit, queue);
        byClient.set(clientId, policy);
      }
      try {
        return await policy.execute(fn);
      } finally {
        if (policy.executionSlots === limit && policy.queueSlots === queue) byClient.delete(clientId);
      }
    },
  };
}

function classify(source: string, error: unknown, cutByDeadline = false): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const name = (error as { name?: string }).name;
  const code = (error as { code?: string }).code;
  if (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    (code?.startsWith('UND_ERR_') && code.includes('TIMEOUT'))
  ) {
    return new UpstreamError(source, cutByDeadline ? 'deadline' : 'timeout');
  }
  return new UpstreamError(source, 'network');
}

/** Connections per upstream per process: enough for concurrent batches, few enough not to swamp it. */
export const DEFAULT_UPSTREAM_CONNECTIONS = 32;

/** A keep-alive pool to one national database; the caller closes it. */
export function createUpstreamPool(
  baseUrl: string,
  timeoutMs: number,
  connections = DEFAULT_UPSTREAM_CONNECTIONS,
): Pool {
  return new Pool(new URL(baseUrl).origin, {
    connections,
    keepAliveTimeout: 10_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}
