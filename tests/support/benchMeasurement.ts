// A benchmark measurement with plausible figures, for tests of what is computed and written from runs.
import type { Measurement } from '../../bench/measure.ts';

export function measurement(over: Partial<Measurement>): Measurement {
  return {
    backend: 'engine',
    target: 'lienthong',
    workers: 1,
    workload: 'day',
    phase: 'cold',
    mode: 'closed',
    connections: 50,
    sent: 1000,
    ok: 1000,
    graphqlErrors: 0,
    graphqlErrorCodes: {},
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    durationSeconds: 8,
    requestsPerSecond: 100,
    p50Ms: 10,
    p90Ms: 20,
    p99Ms: 30,
    maxMs: 40,
    bytesPerResponse: 1000,
    nextOffset: 0,
    check: { ok: true, bytes: 1000 },
    peakRssMb: 200,
    upstreamPerRequest: 3,
    redisPerRequest: undefined,
    subgraphPerRequest: 3,
    gatewayCpuMsPerRequest: 5,
    cacheHitRate: 0.05,
    ...over,
  };
}
