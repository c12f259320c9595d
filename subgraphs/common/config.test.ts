import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.ts';
import { readSubgraphConfig } from './config.ts';

describe('readSubgraphConfig', () => {
  it('runs on defaults in dev mode', () => {
    expect(readSubgraphConfig('land', { LIENTHONG_DEV: '1' })).toEqual({
      source: 'land',
      port: 4004,
      upstreamUrl: 'http://127.0.0.1:4104',
      upstreamTimeoutMs: 2000,
      citizensMaxIds: 100,
      resilience: { maxAttempts: 3, breakerThreshold: 5, halfOpenAfterMs: 5000 },
      internalJwksFile: undefined,
      upstreamApiKey: 'dev-upstream-key',
      dev: true,
    });
  });

  it('reads the source-specific variables', () => {
    const config = readSubgraphConfig('results', {
      RESULTS_SUBGRAPH_PORT: '0',
      RESULTS_UPSTREAM_URL: 'https://registry.example/',
      INTERNAL_JWKS_FILE: '/keys/gw.json',
      UPSTREAM_API_KEY: 'k',
    });
    expect(config).toMatchObject({ port: 0, upstreamUrl: 'https://registry.example/', dev: false });
  });

  it('reads the retry and circuit breaker settings', () => {
    const config = readSubgraphConfig('land', {
      LIENTHONG_DEV: '1',
      UPSTREAM_MAX_ATTEMPTS: '1',
      UPSTREAM_BREAKER_THRESHOLD: '10',
      UPSTREAM_BREAKER_HALF_OPEN_MS: '30000',
    });
    expect(config.resilience).toEqual({ maxAttempts: 1, breakerThreshold: 10, halfOpenAfterMs: 30_000 });
    expect(() => readSubgraphConfig('land', { LIENTHONG_DEV: '1', UPSTREAM_MAX_ATTEMPTS: '0' })).toThrow(
      /UPSTREAM_MAX_ATTEMPTS/,
    );
  });

  it('reports every bad or missing variable at once, with no silent security default', () => {
    let error: unknown;
    try {
      readSubgraphConfig('population', { POPULATION_SUBGRAPH_PORT: 'x', UPSTREAM_TIMEOUT_MS: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(lines).toEqual([
      'POPULATION_SUBGRAPH_PORT',
      'UPSTREAM_TIMEOUT_MS',
      'INTERNAL_JWKS_FILE',
      'UPSTREAM_API_KEY',
    ]);
  });
});
