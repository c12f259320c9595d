// The seam between the subgraphs' data sources and the cache of upstream records. Data sources ask
// for a batch of records by id; the cache answers what it holds in one round trip and the caller
// fetches the rest from the national database. The cache holds upstream records (per source and
// entity), never per-client responses: authorization stays in the gateway.

/** Which records: e.g. { source: 'population', entity: 'cong-dan' }. */
export interface RecordKind {
  readonly source: string;
  readonly entity: string;
  /**
   * Version of the record's shape, part of the cache key; default 1. Bump it when the stored record
   * changes shape, so that new code never reads old-shaped values.
   */
  readonly version?: number;
}

/** A record as it came from upstream, with when it was fetched (for provenance and staleness). */
export interface CachedRecord<T = unknown> {
  /** The upstream record, or null for a cached "not found". */
  readonly value: T | null;
  /** Epoch milliseconds when it was fetched from upstream. */
  readonly fetchedAt: number;
}

export interface RecordCache extends AsyncDisposable {
  /**
   * One round trip for all ids; a slot is undefined on a miss. Never throws: a cache failure counts as
   * a miss for every id (metric result="error") and the caller goes upstream.
   */
  getMany<T>(kind: RecordKind, ids: readonly string[]): Promise<(CachedRecord<T> | undefined)[]>;
  /** Stores fetched records (null = not found, kept for the shorter negative TTL). Never throws. */
  setMany<T>(kind: RecordKind, entries: readonly { id: string; record: CachedRecord<T> }[]): Promise<void>;
  /**
   * Removes records (a change event, or an operator's eviction), here and in other replicas' in-process
   * copies. Rejects when the shared store could not be reached, so that an operator learns the eviction
   * did not happen; callers on a request path catch it.
   */
  evict(kind: RecordKind, ids: readonly string[]): Promise<void>;
  /**
   * Cross-process stampede protection (optional: absent on caches that are not shared). Tries to take a
   * short lock per id; true where this process won and should fetch, false where another process is
   * fetching it. Never throws: when the store is unreachable every slot is true (fetch yourself).
   * `setMany` of an id releases its lock.
   */
  acquireFetchLocks?(kind: RecordKind, ids: readonly string[]): Promise<boolean[]>;
}

/** The cache that holds nothing: every lookup misses. */
export const noCache: RecordCache = {
  getMany: async (_kind, ids) => ids.map(() => undefined),
  setMany: async () => {},
  evict: async () => {},
  [Symbol.asyncDispose]: async () => {},
};
