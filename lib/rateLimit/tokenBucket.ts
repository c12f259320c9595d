// Token-bucket arithmetic, shared by the in-process limiter and mirrored line for line by the Lua
// script (redisTokenBucket.ts), so that both answer the same numbers.
import type { BucketLimit, RateLimitResult } from './types.ts';

export interface BucketState {
  readonly tokens: number;
  /** Epoch ms of the last update. */
  readonly updatedMs: number;
}

export interface TakeResult extends RateLimitResult {
  /** The buckets' states to store, in the order given. */
  readonly next: BucketState[];
}

/** Refills each bucket to nowMs, then takes cost from all of them if every one has enough. */
export function takeTokens(
  states: readonly (BucketState | undefined)[],
  limits: readonly BucketLimit[],
  cost: number,
  nowMs: number,
): TakeResult {
  let allowed = true;
  let retryAfterSeconds = 0;
  const refilled = limits.map((limit, i) => {
    const state = states[i];
    let tokens = state ? state.tokens : limit.capacity;
    const updatedMs = state ? state.updatedMs : nowMs;
    // Replicas' clocks differ slightly: never refill for time going backwards.
    if (nowMs > updatedMs) {
      tokens = Math.min(limit.capacity, tokens + ((nowMs - updatedMs) / 1000) * limit.refillPerSecond);
    }
    if (tokens < cost) {
      allowed = false;
      retryAfterSeconds = Math.max(retryAfterSeconds, Math.ceil((cost - tokens) / limit.refillPerSecond));
    }
    return { tokens, updatedMs: Math.max(nowMs, updatedMs) };
  });
  const next = refilled.map((s) => (allowed ? { ...s, tokens: s.tokens - cost } : s));
  const remaining = Math.floor(Math.min(...next.map((s) => s.tokens)));
  return {
    allowed,
    retryAfterSeconds: allowed ? 0 : retryAfterSeconds,
    remaining: Math.max(0, remaining),
    next,
  };
}

/** How long an idle bucket takes to fill up, ms: after that its stored state can be dropped. */
export const timeToFullMs = (limit: BucketLimit): number =>
  Math.ceil((limit.capacity / limit.refillPerSecond) * 1000);

export function validateLimit(name: string, limit: BucketLimit): void {
  if (!(limit.capacity > 0 && Number.isFinite(limit.capacity))) {
    throw new Error(`rate limit ${name}: capacity must be a positive number`);
  }
  if (!(limit.refillPerSecond > 0 && Number.isFinite(limit.refillPerSecond))) {
    throw new Error(`rate limit ${name}: refillPerSecond must be a positive number`);
  }
}
