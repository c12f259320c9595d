// How long a record stays cached: per source and entity, configurable, with jitter so that records
// fetched together (one batch) do not all expire together and stampede the upstream again.
import type { RecordKind } from './types.ts';

export interface TtlOptions {
  /** TTL by "source" or "source:entity" (the more specific wins), seconds. */
  readonly ttlSeconds?: Readonly<Record<string, number>>;
  /** TTL where ttlSeconds names neither the source nor the entity, seconds; default 300. */
  readonly defaultTtlSeconds?: number;
  /** TTL of a cached "not found", seconds; default 30. Short: a record may appear upstream any time. */
  readonly negativeTtlSeconds?: number;
  /** Each TTL is shortened by a random fraction up to this ratio (0-1); default 0.1. */
  readonly jitterRatio?: number;
}

export type TtlPolicy = (kind: RecordKind, found: boolean) => number;

/** Returns a function giving the TTL in milliseconds (at least 1) for a record about to be stored. */
export function createTtlPolicy(options: TtlOptions, random: () => number = Math.random): TtlPolicy {
  const table = options.ttlSeconds ?? {};
  const fallback = options.defaultTtlSeconds ?? 300;
  const negative = options.negativeTtlSeconds ?? 30;
  const jitter = options.jitterRatio ?? 0.1;
  if (!(jitter >= 0 && jitter <= 1)) throw new Error('jitterRatio must be between 0 and 1');
  for (const [name, seconds] of Object.entries({ ...table, default: fallback, negative })) {
    if (!(Number.isFinite(seconds) && seconds > 0))
      throw new Error(`cache TTL "${name}" must be > 0 seconds`);
  }
  return (kind, found) => {
    const seconds = found
      ? (table[`${kind.source}:${kind.entity}`] ?? table[kind.source] ?? fallback)
      : Math.min(negative, table[`${kind.source}:${kind.entity}`] ?? table[kind.source] ?? negative);
    return Math.max(1, Math.round(seconds * 1000 * (1 - jitter * random())));
  };
}
