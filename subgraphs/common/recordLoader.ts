// The batch path every upstream lookup takes: the per-request DataLoader collects the keys of one
// level of the query, the record cache answers what it holds in one round trip, and one upstream bulk
// request fetches the rest (lib/cache/loadThrough.ts). A batch function returns one slot per key, in
// key order: the record, null when not found, or an Error for a key that could not be fetched — one
// bad key never fails a batch.
import DataLoader from 'dataloader';
import { loadThrough } from '../../lib/cache/loadThrough.ts';
import type { RecordCache, RecordKind } from '../../lib/cache/types.ts';

/** The upstream's batch limit (mocks/API.md: at most 100 keys per request). */
export const UPSTREAM_MAX_BATCH = 100;

/** A record with where it came from, for a later provenance field. */
export interface Loaded<T> {
  readonly record: T;
  /** Epoch ms when it was fetched from upstream. */
  readonly fetchedAt: number;
  readonly fromCache: boolean;
}

export interface RecordLoaderOptions<T> {
  readonly kind: RecordKind;
  readonly cache: RecordCache;
  /** One upstream bulk request: one slot per id, in order, null when not found. */
  readonly fetch: (ids: readonly string[]) => Promise<readonly (T | null)[]>;
  /** Turns an upstream failure into the error every unfetched slot gets (e.g. UPSTREAM_UNAVAILABLE). */
  readonly toError: (error: unknown) => Error;
  /** Default 100. */
  readonly maxBatchSize?: number;
}

export type RecordLoader<T> = DataLoader<string, Loaded<T> | null>;

export function createRecordLoader<T>(options: RecordLoaderOptions<T>): RecordLoader<T> {
  return new DataLoader<string, Loaded<T> | null>((ids) => loadBatch(options, ids), {
    maxBatchSize: options.maxBatchSize ?? UPSTREAM_MAX_BATCH,
  });
}

export async function loadBatch<T>(
  options: RecordLoaderOptions<T>,
  ids: readonly string[],
): Promise<(Loaded<T> | null | Error)[]> {
  // loadThrough: one cache round trip, then upstream for the misses only, joined with any load of
  // the same ids already running in this process.
  const results = await loadThrough<T>(options.cache, options.kind, ids, async (missing) => {
    try {
      return await options.fetch(missing);
    } catch (error) {
      const slotError = options.toError(error);
      return missing.map(() => slotError);
    }
  });
  return results.map((result) => {
    if (result instanceof Error) return result;
    if (result.value === null) return null;
    return { record: result.value, fetchedAt: result.fetchedAt, fromCache: result.fromCache };
  });
}

/** The record behind an entity reference: the one loaded with it, or one load through the batch. */
export async function recordOf<T>(
  parent: { readonly loaded?: Loaded<T> | null | undefined },
  loader: RecordLoader<T>,
  key: string,
): Promise<T | null> {
  if (parent.loaded) return parent.loaded.record;
  return (await loader.load(key))?.record ?? null;
}

/**
 * `__resolveReference` of an entity a subgraph owns, keyed by `field`: a malformed key is no entity;
 * without `scope` every field is refused anyway, so the national database is not touched; otherwise the
 * record is loaded through the request's batch and travels with the reference.
 */
export function ownedReference<K extends string, T, C extends { readonly scopes: ReadonlySet<string> }>(
  field: K,
  isKey: (key: string) => boolean,
  scope: string,
  loaderOf: (context: C) => RecordLoader<T>,
) {
  type Reference = Readonly<Record<K, string>> & { readonly loaded?: Loaded<T> };
  return async (reference: Readonly<Record<K, string>>, context: C): Promise<Reference | null> => {
    const key = reference[field];
    if (!isKey(key)) return null;
    const bare = { [field]: key } as Reference;
    if (!context.scopes.has(scope)) return bare;
    const loaded = await loaderOf(context).load(key);
    return loaded ? { ...bare, loaded } : null;
  };
}
