import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.ts';
import { readGatewayConfig } from './config.ts';

const base = { LIENTHONG_DEV: '1' };

describe('benchmark-only gateway settings', () => {
  it('refuses to switch a feature off outside a benchmark', () => {
    expect(() => readGatewayConfig({ ...base, BENCH_DISABLE_FEATURES: 'audit' })).toThrow(ConfigError);
  });

  it('switches features off under LIENTHONG_BENCH=1 only', () => {
    const config = readGatewayConfig({
      ...base,
      LIENTHONG_BENCH: '1',
      BENCH_DISABLE_FEATURES: 'audit,attestation',
    });
    expect([...config.disabledFeatures]).toEqual(['audit', 'attestation']);
    expect(readGatewayConfig(base).disabledFeatures.size).toBe(0);
  });

  it('switches the rate limiter off to price it', () => {
    const config = readGatewayConfig({ ...base, LIENTHONG_BENCH: '1', BENCH_DISABLE_FEATURES: 'rateLimit' });
    expect([...config.disabledFeatures]).toEqual(['rateLimit']);
  });

  it('refuses an unknown feature name', () => {
    expect(() =>
      readGatewayConfig({ ...base, LIENTHONG_BENCH: '1', BENCH_DISABLE_FEATURES: 'auth' }),
    ).toThrow(ConfigError);
  });

  it('reads subgraph URL overrides', () => {
    const config = readGatewayConfig({
      ...base,
      SUBGRAPH_URLS: 'population=http://127.0.0.1:4201/graphql,land=http://127.0.0.1:4204/graphql',
    });
    expect(config.subgraphUrls).toEqual({
      population: 'http://127.0.0.1:4201/graphql',
      land: 'http://127.0.0.1:4204/graphql',
    });
    expect(() => readGatewayConfig({ ...base, SUBGRAPH_URLS: 'population' })).toThrow(ConfigError);
  });
});
