// Provenance (nguồn dữ liệu) of a record served from a national database: which database, the
// record's own version and last change there, and when lienthong fetched the copy it serves — so an
// officer can tell what "verified" means for the answer in front of them (as Myinfo does per attribute).
import type { Source } from '../../lib/topology.ts';
import type { Loaded, RecordLoader } from './recordLoader.ts';

/** The two fields every upstream record carries (mocks/API.md "Common rules"). */
export interface Versioned {
  readonly phienBan: number;
  readonly capNhatLuc: string;
}

export interface Provenance {
  readonly source: string;
  readonly sourceUpdatedAt: string;
  readonly version: number;
  readonly fetchedAt: string;
  readonly fromCache: boolean;
  readonly cacheAgeSeconds: number;
}

export function provenanceOf(source: Source, loaded: Loaded<Versioned>, now = Date.now()): Provenance {
  return {
    source: source.toUpperCase(),
    sourceUpdatedAt: loaded.record.capNhatLuc,
    version: loaded.record.phienBan,
    fetchedAt: new Date(loaded.fetchedAt).toISOString(),
    fromCache: loaded.fromCache,
    // A copy fetched for this request is fresh by definition, whatever the clocks say.
    cacheAgeSeconds: loaded.fromCache ? Math.max(0, Math.floor((now - loaded.fetchedAt) / 1000)) : 0,
  };
}

/**
 * The `provenance` field of an entity: from the record its parent already carries, or one load through
 * the request's loader (already cached there when another field of the entity was resolved).
 */
export function provenanceField<P extends object, T extends Versioned, C>(
  source: Source,
  loaderOf: (context: C) => RecordLoader<T>,
  keyOf: (parent: P) => string,
) {
  return async (parent: P, _args: unknown, context: C): Promise<Provenance | null> => {
    const carried = (parent as { readonly loaded?: Loaded<T> | null }).loaded;
    const loaded = carried ?? (await loaderOf(context).load(keyOf(parent)));
    return loaded ? provenanceOf(source, loaded) : null;
  };
}
