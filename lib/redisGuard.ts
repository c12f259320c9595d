// One guard per Redis user (record cache, rate limiter, APQ store): an overall deadline on each call and
// a circuit breaker that, after a few consecutive failures, stops calling Redis for a while so that an
// outage costs nothing per request. The breaker instance is created once and reused: a breaker made
// per call would never see consecutive failures.
import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';

export interface RedisGuardOptions {
  /** Deadline for one guarded call (which may be a pipeline), ms; default 250. */
  readonly timeoutMs?: number;
  /** Consecutive failures that open the circuit; default 3. */
  readonly failureThreshold?: number;
  /** How long the circuit stays open before one trial call, ms; default 2000. */
  readonly halfOpenAfterMs?: number;
}

export interface RedisGuard {
  /** Runs fn under the deadline and breaker; rejects at once while the circuit is open. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** True while calls are refused (circuit open, or half-open and not yet recovered). */
  isOpen(): boolean;
  /** True while the circuit is not closed or the latest call failed: the dependency is unreliable now. */
  degraded(): boolean;
  /** Subscribes to open/close changes; returns an unsubscribe function. */
  onChange(listener: (open: boolean) => void): () => void;
}

export function createRedisGuard(options: RedisGuardOptions = {}): RedisGuard {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.halfOpenAfterMs ?? 2000,
    breaker: new ConsecutiveBreaker(options.failureThreshold ?? 3),
  });
  // Aggressive: give up at the deadline even if the command is still pending inside ioredis.
  const deadline = timeout(options.timeoutMs ?? 250, TimeoutStrategy.Aggressive);
  const policy = wrap(breaker, deadline);
  let lastFailed = false;
  return {
    async run(fn) {
      try {
        const result = await policy.execute(() => fn());
        lastFailed = false;
        return result;
      } catch (error) {
        lastFailed = true;
        throw error;
      }
    },
    isOpen: () => breaker.state !== CircuitState.Closed,
    degraded: () => lastFailed || breaker.state !== CircuitState.Closed,
    onChange(listener) {
      const a = breaker.onBreak(() => listener(true));
      const b = breaker.onReset(() => listener(false));
      return () => {
        a.dispose();
        b.dispose();
      };
    },
  };
}
