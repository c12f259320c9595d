// What a subgraph does when its national database fails: idempotent reads are retried with jittered
// exponential backoff (or after the upstream's Retry-After) but only while the gateway's deadline
// leaves room, and one circuit breaker per source — created once, shared by every request — fails
// fast while the source is down and lets a single probe through to find out when it is back.
// @apollo/gateway itself never retries (`retry: false`), and a write is never retried here either.
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { CheckResult } from '../../lib/httpServer.ts';
import type { Logger } from '../../lib/logger.ts';
import { type Metrics, singleMetric } from '../../lib/metrics.ts';
import { UpstreamError } from './upstreamClient.ts';

export interface ResilienceOptions {
  /** Attempts of an idempotent read, the first included; default 3. */
  readonly maxAttempts: number;
  /** Backoff before the first retry, ms, doubled per retry and jittered (full jitter); default 50. */
  readonly baseDelayMs: number;
  /** Longest wait before a retry, backoff or Retry-After, ms; default 2000 (a longer Retry-After is not waited for). */
  readonly maxDelayMs: number;
  /** Consecutive failures that open the circuit; default 5 (one failure never opens it). */
  readonly breakerThreshold: number;
  /** How long an open circuit fails fast before one probe is let through, ms; default 5000. */
  readonly halfOpenAfterMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 50,
  maxDelayMs: 2_000,
  breakerThreshold: 5,
  halfOpenAfterMs: 5_000,
});

/** A retry is not started unless at least this much of the deadline would remain for it, ms. */
const MIN_ATTEMPT_MS = 50;

export interface CallOptions {
  /** Only idempotent reads are retried (the batch lookups are reads, though sent as POST). */
  readonly idempotent: boolean;
  /** Epoch ms after which the gateway no longer waits. */
  readonly deadline?: number | undefined;
}

export type CircuitPhase = 'closed' | 'open' | 'half-open';

export interface SourceResilience {
  /** Runs one upstream call through the breaker, retrying it when it is idempotent and worth retrying. */
  run<T>(attempt: () => Promise<T>, options: CallOptions): Promise<T>;
  phase(): CircuitPhase;
  /** The breaker as /readyz reports it: an open circuit degrades the subgraph, never makes it unready. */
  check(): CheckResult;
}

export interface SourceResilienceDeps {
  readonly source: string;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly options?: Partial<ResilienceOptions>;
  /** Uniform in [0, 1); default Math.random. */
  readonly random?: () => number;
}

export function createSourceResilience(deps: SourceResilienceDeps): SourceResilience {
  const options = { ...DEFAULT_RESILIENCE, ...deps.options };
  const random = deps.random ?? Math.random;
  const { source, logger } = deps;
  const gauges = resilienceMetrics(deps.metrics.registry);
  const breaker = circuitBreaker(handleWhen(isSourceFailure), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  gauges.circuitState.set({ source }, 0);
  breaker.onStateChange((state) => gauges.circuitState.set({ source }, circuitValue(state)));
  breaker.onBreak(() => logger.warn({ source }, 'upstream circuit opened'));
  breaker.onHalfOpen(() => logger.info({ source }, 'upstream circuit probing'));
  breaker.onReset(() => logger.info({ source }, 'upstream circuit closed'));

  const phase = (): CircuitPhase =>
    breaker.state === CircuitState.Closed
      ? 'closed'
      : breaker.state === CircuitState.HalfOpen
        ? 'half-open'
        : 'open';

  return {
    async run(attempt, call) {
      for (let attemptNo = 1; ; attemptNo++) {
        try {
          return await breaker.execute(attempt);
        } catch (error) {
          if (error instanceof BrokenCircuitError) {
            gauges.rejected.inc({ source });
            throw new UpstreamError(source, 'circuit-open');
          }
          if (!call.idempotent || attemptNo >= options.maxAttempts) throw error;
          const wait = retryDelay(error, attemptNo, options, random);
          if (wait === undefined) throw error;
          if (call.deadline !== undefined && Date.now() + wait + MIN_ATTEMPT_MS > call.deadline) throw error;
          gauges.retries.inc({ source });
          logger.debug({ source, attempt: attemptNo, waitMs: Math.round(wait) }, 'retrying upstream read');
          await sleep(wait);
        }
      }
    },
    phase,
    check() {
      const current = phase();
      if (current === 'closed') return { ok: true, detail: 'circuit closed' };
      return { ok: false, degraded: true, detail: current === 'open' ? 'circuit open' : 'circuit probing' };
    },
  };
}

/**
 * Failures that say the source is unwell (and count towards opening its circuit). Not: a 4xx (our own
 * fault), a call the gateway's deadline cut short, or one a client's full bulkhead never sent — else
 * one client flooding a slow source would open its circuit for every other client.
 */
export function isSourceFailure(error: unknown): boolean {
  if (!(error instanceof UpstreamError)) return false;
  if (error.failure === 'status') return error.status === 429 || (error.status ?? 0) >= 500;
  return error.failure === 'timeout' || error.failure === 'network' || error.failure === 'malformed';
}

/**
 * How long to wait before retrying, or undefined when the failure is not worth a retry: a refused or
 * reset connection and 429/502/503/504 are; a timeout is not (the attempt has already spent its
 * budget, and retrying a hung source only doubles the wait), nor is any other status.
 */
export function retryDelay(
  error: unknown,
  attemptNo: number,
  options: Pick<ResilienceOptions, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number | undefined {
  if (!(error instanceof UpstreamError)) return undefined;
  const retryable =
    error.failure === 'network' ||
    (error.failure === 'status' && [429, 502, 503, 504].includes(error.status ?? 0));
  if (!retryable) return undefined;
  if (error.retryAfterMs !== undefined) {
    return error.retryAfterMs <= options.maxDelayMs ? error.retryAfterMs : undefined;
  }
  // Full jitter: replicas that failed together do not come back in step.
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attemptNo - 1));
  return random() * ceiling;
}

function circuitValue(state: CircuitState): number {
  if (state === CircuitState.Closed) return 0;
  if (state === CircuitState.HalfOpen) return 1;
  return 2;
}

interface ResilienceMetrics {
  readonly circuitState: Gauge<'source'>;
  readonly retries: Counter<'source'>;
  readonly rejected: Counter<'source'>;
}

/** The breaker's metrics, registered once per registry (several sources may share one in tests). */
function resilienceMetrics(registry: Registry): ResilienceMetrics {
  return {
    circuitState: singleMetric(
      registry,
      'lienthong_upstream_circuit_state',
      () =>
        new Gauge({
          name: 'lienthong_upstream_circuit_state',
          help: 'Circuit breaker of a national database: 0 closed, 1 half-open (probing), 2 open.',
          labelNames: ['source'],
          registers: [registry],
        }),
    ),
    retries: singleMetric(
      registry,
      'lienthong_upstream_retries_total',
      () =>
        new Counter({
          name: 'lienthong_upstream_retries_total',
          help: 'Retries of idempotent reads to a national database.',
          labelNames: ['source'],
          registers: [registry],
        }),
    ),
    rejected: singleMetric(
      registry,
      'lienthong_upstream_circuit_rejections_total',
      () =>
        new Counter({
          name: 'lienthong_upstream_circuit_rejections_total',
          help: 'Upstream calls failed fast because the circuit was open.',
          labelNames: ['source'],
          registers: [registry],
        }),
    ),
  };
}
