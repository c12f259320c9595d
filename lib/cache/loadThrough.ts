// Read-through for a DataLoader batch: one cache round trip for the batch, then upstream for the misses
// only. Stampede protection at two levels: within the process, ids already being loaded by another
// request are joined rather than fetched again (single-flight); across processes, a short lock per id
// lets one replica fetch while the others wait briefly and re-read the cache — bounded, so a lost lock
// holder costs a little latency, never a hang. Successes and not-founds are stored; errors never are.
import { createSingleFlight, type SingleFlight } from '../singleflight.ts';
import { withSpan } from '../tracing.ts';
import type { RecordCache, RecordKind } from './types.ts';

export interface LoadedRecord<T> {
  /** The upstream record, or null when upstream said it does not exist. */
  readonly value: T | null;
  /** Epoch ms when it was fetched from upstream. */
  readonly fetchedAt: number;
  /** True when served from the cache (this process's or another's fetch). */
  readonly fromCache: boolean;
}

export type LoadResult<T> = LoadedRecord<T> | Error;

/** Fetches ids from upstream: one slot per id, in order; null = not found, Error = failed for that id. */
export type FetchMissing<T> = (ids: string[]) => Promise<readonly (T | null | Error)[]>;

export interface LoadThroughOptions {
  /** Longest a process waits for another one holding the fetch lock, ms; default 300. Then it fetches. */
  readonly lockWaitMs?: number;
  /** Interval between cache re-reads while waiting, ms; default 25. */
  readonly lockPollMs?: number;
}

// One single-flight table per cache instance: a second cache (another tenant, or a test's second
// "process") must not join the first one's loads.
const flightsByCache = new WeakMap<RecordCache, SingleFlight<LoadResult<unknown>>>();

export async function loadThrough<T>(
  cache: RecordCache,
  kind: RecordKind,
  ids: readonly string[],
  fetchMissing: FetchMissing<T>,
  options: LoadThroughOptions = {},
): Promise<LoadResult<T>[]> {
  let flights = flightsByCache.get(cache);
  if (!flights) {
    flights = createSingleFlight<LoadResult<unknown>>();
    flightsByCache.set(cache, flights);
  }
  const prefix = `${kind.source}\u0000${kind.entity}\u0000${kind.version ?? 1}\u0000`;
  const results = await flights.doMany(
    ids.map((id) => prefix + id),
    (keys) =>
      loadBatch(
        cache,
        kind,
        keys.map((key) => key.slice(prefix.length)),
        fetchMissing,
        options,
      ),
  );
  return results as LoadResult<T>[];
}

async function loadBatch<T>(
  cache: RecordCache,
  kind: RecordKind,
  ids: string[],
  fetchMissing: FetchMissing<T>,
  options: LoadThroughOptions,
): Promise<LoadResult<T>[]> {
  const results = new Map<string, LoadResult<T>>();
  const cached = await withSpan(
    'cache.read',
    async (span) => {
      const records = await cache.getMany<T>(kind, ids).catch(() => ids.map(() => undefined));
      span?.setAttribute('lienthong.cache.hits', records.filter(Boolean).length);
      return records;
    },
    { 'lienthong.source': kind.source, 'lienthong.entity': kind.entity, 'lienthong.cache.keys': ids.length },
  );
  ids.forEach((id, i) => {
    const record = cached[i];
    if (record) results.set(id, { value: record.value, fetchedAt: record.fetchedAt, fromCache: true });
  });
  const missing = ids.filter((id) => !results.has(id));
  if (missing.length > 0) {
    const won = cache.acquireFetchLocks
      ? await cache.acquireFetchLocks(kind, missing).catch(() => missing.map(() => true))
      : missing.map(() => true);
    const mine = missing.filter((_, i) => won[i] !== false);
    const theirs = missing.filter((_, i) => won[i] === false);
    const [fetched, waited] = await Promise.all([
      fetchAndStore(cache, kind, mine, fetchMissing),
      waitThenFetch(cache, kind, theirs, fetchMissing, options),
    ]);
    for (const map of [fetched, waited]) for (const [id, result] of map) results.set(id, result);
  }
  return ids.map((id) => results.get(id) ?? new Error('record not loaded'));
}

async function fetchAndStore<T>(
  cache: RecordCache,
  kind: RecordKind,
  ids: string[],
  fetchMissing: FetchMissing<T>,
): Promise<Map<string, LoadResult<T>>> {
  const out = new Map<string, LoadResult<T>>();
  if (ids.length === 0) return out;
  let values: readonly (T | null | Error | undefined)[];
  try {
    values = await fetchMissing(ids);
    if (values.length !== ids.length) {
      throw new Error(`fetchMissing returned ${values.length} results for ${ids.length} ids`);
    }
  } catch (error) {
    const failure = error instanceof Error ? error : new Error('upstream fetch failed');
    for (const id of ids) out.set(id, failure);
    return out;
  }
  const fetchedAt = Date.now();
  const entries: { id: string; record: { value: T | null; fetchedAt: number } }[] = [];
  ids.forEach((id, i) => {
    const value = values[i];
    if (value instanceof Error) {
      out.set(id, value);
      return;
    }
    out.set(id, { value: value ?? null, fetchedAt, fromCache: false });
    entries.push({ id, record: { value: value ?? null, fetchedAt } });
  });
  await cache.setMany(kind, entries).catch(() => {});
  return out;
}

async function waitThenFetch<T>(
  cache: RecordCache,
  kind: RecordKind,
  ids: string[],
  fetchMissing: FetchMissing<T>,
  options: LoadThroughOptions,
): Promise<Map<string, LoadResult<T>>> {
  const out = new Map<string, LoadResult<T>>();
  const waitMs = options.lockWaitMs ?? 300;
  const pollMs = Math.max(1, options.lockPollMs ?? 25);
  let pending = ids;
  for (let waited = 0; pending.length > 0 && waited < waitMs; waited += pollMs) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const records = await cache.getMany<T>(kind, pending).catch(() => pending.map(() => undefined));
    pending = pending.filter((id, i) => {
      const record = records[i];
      if (record) out.set(id, { value: record.value, fetchedAt: record.fetchedAt, fromCache: true });
      return !record;
    });
  }
  for (const [id, result] of await fetchAndStore(cache, kind, pending, fetchMissing)) out.set(id, result);
  return out;
}
