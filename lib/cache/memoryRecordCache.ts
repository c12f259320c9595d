// The embedded cache (no REDIS_URL): a bounded in-process LRU with the same behaviour as the Redis one
// (per-kind TTL with jitter, short negative TTL, evict). Values stay in this process's memory, so they
// are not encrypted; nothing is shared with other replicas.
import { LRUCache } from 'lru-cache';
import type { Metrics } from '../metrics.ts';
import { countCache } from './cacheMetrics.ts';
import type { TtlPolicy } from './ttlPolicy.ts';
import type { CachedRecord, RecordCache, RecordKind } from './types.ts';

export interface MemoryRecordCacheOptions {
  /** Most records held; the least recently used go first. Default 10 000. */
  readonly maxEntries?: number;
  readonly ttl: TtlPolicy;
  readonly metrics?: Metrics;
}

export function memoryKey(kind: RecordKind, id: string): string {
  return `${kind.source}\u0000${kind.entity}\u0000${kind.version ?? 1}\u0000${id}`;
}

export function createMemoryRecordCache(options: MemoryRecordCacheOptions): RecordCache {
  const lru = new LRUCache<string, CachedRecord>({ max: options.maxEntries ?? 10_000 });
  return {
    async getMany<T>(kind: RecordKind, ids: readonly string[]) {
      const found = ids.map((id) => lru.get(memoryKey(kind, id)) as CachedRecord<T> | undefined);
      const hits = found.filter((record) => record !== undefined).length;
      countCache(options.metrics, kind.source, 'hit', hits);
      countCache(options.metrics, kind.source, 'miss', ids.length - hits);
      return found;
    },
    async setMany(kind, entries) {
      for (const { id, record } of entries) {
        lru.set(memoryKey(kind, id), record, { ttl: options.ttl(kind, record.value !== null) });
      }
    },
    async evict(kind, ids) {
      for (const id of ids) lru.delete(memoryKey(kind, id));
    },
    [Symbol.asyncDispose]: async () => {
      lru.clear();
    },
  };
}
