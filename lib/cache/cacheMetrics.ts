// lienthong_cache_requests_total{source,result}: one count per id looked up, so that hit ratios read
// the same whatever the batch sizes. An unreachable store counts every id of the call as "error".
import type { Metrics } from '../metrics.ts';

export type CacheResult = 'hit' | 'miss' | 'error';

export function countCache(
  metrics: Metrics | undefined,
  source: string,
  result: CacheResult,
  n: number,
): void {
  if (metrics && n > 0) metrics.cacheRequests.inc({ source, result }, n);
}
