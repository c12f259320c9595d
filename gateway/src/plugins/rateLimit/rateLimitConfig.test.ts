import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lib/errors.ts';
import { readGatewayConfig } from '../../config.ts';
import { DEFAULT_COST_BUDGET, DEFAULT_RATE_LIMIT, limitTable, positiveNumber } from './rateLimitConfig.ts';

const base = { LIENTHONG_DEV: '1' };

describe('rate-limit settings', () => {
  it('read per-client and per-scope buckets', () => {
    expect(limitTable(' ubnd-hanoi.motcua=1200/200, population:sensitive=50/0.5 ', 'X')).toEqual({
      'ubnd-hanoi.motcua': { capacity: 1200, refillPerSecond: 200 },
      'population:sensitive': { capacity: 50, refillPerSecond: 0.5 },
    });
    expect(limitTable(undefined, 'X')).toEqual({});
    for (const bad of ['a=1', 'a=0/1', 'a=1/0', '=1/1', 'a=x/1'])
      expect(() => limitTable(bad, 'X')).toThrow();
    expect(positiveNumber(3)(undefined, 'X')).toBe(3);
    expect(() => positiveNumber(3)('-1', 'X')).toThrow();
  });

  it('reach the gateway configuration with their defaults', () => {
    const config = readGatewayConfig({
      ...base,
      RATE_LIMIT_SCOPES: 'population:sensitive=5/1',
      GATEWAY_REPLICAS: '3',
    });
    expect(config.rateLimit).toEqual({
      limits: {
        default: DEFAULT_RATE_LIMIT,
        perClient: {},
        perScope: { 'population:sensitive': { capacity: 5, refillPerSecond: 1 } },
      },
      cost: DEFAULT_COST_BUDGET,
      maxConcurrent: 32,
      replicas: 3,
    });
    expect(config.persistedQueries).toEqual({ only: false, file: undefined, ttlSeconds: 86_400 });
  });

  it('refuse a safelist-only gateway without its safelist, and a malformed bucket, naming the variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        readGatewayConfig({ ...base, ...env });
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.map((p) => p.split(':')[0]);
        throw error;
      }
      return [];
    };
    expect(problems({ PERSISTED_QUERIES_ONLY: '1' })).toEqual(['PERSISTED_QUERIES_FILE']);
    expect(problems({ RATE_LIMIT_CLIENTS: 'nope' })).toEqual(['RATE_LIMIT_CLIENTS']);
    // A cost budget below one maximal operation would refuse that operation for ever.
    expect(problems({ RATE_LIMIT_COST_CAPACITY: '100', QUERY_MAX_COST: '101' })).toEqual([
      'RATE_LIMIT_COST_CAPACITY',
    ]);
    expect(problems({ CLIENT_MAX_CONCURRENT_REQUESTS: '0' })).toEqual(['CLIENT_MAX_CONCURRENT_REQUESTS']);
  });
});
