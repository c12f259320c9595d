import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.ts';
import { createRateLimiter } from './createRateLimiter.ts';
import { takeTokens } from './tokenBucket.ts';

describe('takeTokens', () => {
  it('starts full, takes all-or-none across buckets, and says when to retry', () => {
    const limits = [
      { capacity: 5, refillPerSecond: 1 },
      { capacity: 2, refillPerSecond: 0.5 },
    ];
    const first = takeTokens([undefined, undefined], limits, 1, 0);
    expect(first).toMatchObject({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    const second = takeTokens(first.next, limits, 1, 0);
    expect(second).toMatchObject({ allowed: true, remaining: 0 });
    const third = takeTokens(second.next, limits, 1, 0);
    // The scope bucket is empty and refills at 0.5/s: two seconds; nothing is taken from the other one.
    expect(third).toMatchObject({ allowed: false, retryAfterSeconds: 2, remaining: 0 });
    expect(third.next[0]?.tokens).toBe(3);
  });

  it('never refills for a clock that goes backwards', () => {
    const limits = [{ capacity: 1, refillPerSecond: 1 }];
    const spent = takeTokens([undefined], limits, 1, 10_000);
    expect(takeTokens(spent.next, limits, 1, 5_000)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });
});

describe('createRateLimiter in process', () => {
  it('refuses the request after the burst with Retry-After, and allows again after refill', async () => {
    let now = 1_000_000;
    await using limiter = createRateLimiter({
      limits: { default: { capacity: 3, refillPerSecond: 1 } },
      logger: silentLogger(),
      now: () => now,
    });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.consume('ubnd-hanoi.motcua', []));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    expect(results[3]?.retryAfterSeconds).toBe(1);
    now += 1000;
    expect(await limiter.consume('ubnd-hanoi.motcua', [])).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.degraded()).toBe(false);
  });

  it('applies per-client overrides and per-scope buckets, and keeps clients apart', async () => {
    await using limiter = createRateLimiter({
      limits: {
        default: { capacity: 1, refillPerSecond: 1 },
        perClient: { 'bo-tu-phap': { capacity: 10, refillPerSecond: 10 } },
        perScope: { 'population:sensitive': { capacity: 2, refillPerSecond: 0.1 } },
      },
      logger: silentLogger(),
      now: () => 0,
    });
    expect((await limiter.consume('other', [])).allowed).toBe(true);
    expect((await limiter.consume('other', [])).allowed).toBe(false);
    const sensitive = ['population:read', 'population:sensitive'];
    expect((await limiter.consume('bo-tu-phap', sensitive)).allowed).toBe(true);
    expect((await limiter.consume('bo-tu-phap', sensitive)).allowed).toBe(true);
    expect(await limiter.consume('bo-tu-phap', sensitive)).toMatchObject({
      allowed: false,
      retryAfterSeconds: 10,
    });
    expect((await limiter.consume('bo-tu-phap', ['population:read'])).allowed).toBe(true);
  });

  it('refuses a cost above capacity and rejects bad limits', async () => {
    await using limiter = createRateLimiter({
      limits: { default: { capacity: 2, refillPerSecond: 1 } },
      logger: silentLogger(),
    });
    expect((await limiter.consume('c', [], 3)).allowed).toBe(false);
    expect(() =>
      createRateLimiter({ limits: { default: { capacity: 1, refillPerSecond: 0 } }, logger: silentLogger() }),
    ).toThrow('refillPerSecond');
  });
});
