// The seam between the subgraphs' data sources and the cache of upstream records. Data sources ask
// for a batch of records by id; the cache answers what it holds in one round trip and the caller
// fetches the rest from the national database. The cache holds upstream records (per source and
// entity), never per-client responses: authorization stays in the gateway.

/** Which records: e.g. { source: 'population', entity: 'cong-dan' }. */
export interface RecordKind {
  readonly source: string;
  readonly entity: string;
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
  /** Removes records (a change event, or an operator's eviction). */
  evict(kind: RecordKind, ids: readonly string[]): Promise<void>;
}

/** The cache that holds nothing: every lookup misses. */
export const noCache: RecordCache = {
  getMany: async (_kind, ids) => ids.map(() => undefined),
  setMany: async () => {},
  evict: async () => {},
  [Symbol.asyncDispose]: async () => {},
};
