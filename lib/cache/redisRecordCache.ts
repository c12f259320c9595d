// The shared cache of upstream records in Redis (or Redis Cluster), with a short in-process copy in
// front. Keys: `rc:{<source>:<entity>:<bucket>}:v<version>:<keyed hash of id>` (after the client's key
// prefix). The hash tag spreads a kind over 16 slots: few enough that a batch stays a handful of MGETs
// per node, enough that one kind is not pinned to one cluster node. Values are sealed (recordSealer.ts).
// Redis trouble never fails a call: the guard bounds each call and opens its circuit, and the caller
// goes upstream.
import { LRUCache } from 'lru-cache';
import type { CheckResult } from '../httpServer.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { RedisClient } from '../redis.ts';
import { createRedisGuard, type RedisGuardOptions } from '../redisGuard.ts';
import { countCache } from './cacheMetrics.ts';
import { publishEviction, subscribeEvictions } from './evictionChannel.ts';
import { type CacheEncryption, createRecordSealer, type RecordSealer } from './recordSealer.ts';
import { execGroups, groupBySlot } from './slotPipelines.ts';
import type { TtlPolicy } from './ttlPolicy.ts';
import type { CachedRecord, RecordCache, RecordKind } from './types.ts';

const BUCKETS = 16;

export interface RedisRecordCacheOptions {
  readonly redis: RedisClient;
  readonly encryption: CacheEncryption;
  readonly ttl: TtlPolicy;
  readonly metrics?: Metrics;
  readonly logger: Logger;
  /** Lifetime of the in-process copy, ms; default 1000; 0 disables it. Bounds staleness if a pub/sub eviction is lost. */
  readonly localTtlMs?: number;
  /** Most records in the in-process copy; default 10 000. */
  readonly localMaxEntries?: number;
  /** Lifetime of a cross-process fetch lock, ms; default 2000 (an upstream call's timeout, roughly). */
  readonly lockTtlMs?: number;
  readonly guard?: RedisGuardOptions;
}

export interface SharedRecordCache extends RecordCache {
  acquireFetchLocks(kind: RecordKind, ids: readonly string[]): Promise<boolean[]>;
  /** For /readyz: always ok (the cache is optional), degraded while Redis is unreachable. */
  health(): CheckResult;
}

export function createRedisRecordCache(options: RedisRecordCacheOptions): SharedRecordCache {
  const { redis, metrics, logger } = options;
  const sealer = createRecordSealer(options.encryption);
  const guard = createRedisGuard(options.guard);
  const localTtlMs = options.localTtlMs ?? 1000;
  const lockTtlMs = options.lockTtlMs ?? 2000;
  const local =
    localTtlMs > 0
      ? new LRUCache<string, CachedRecord>({ max: options.localMaxEntries ?? 10_000, ttl: localTtlMs })
      : undefined;
  const subscription = local
    ? subscribeEvictions(redis, (keys) => dropLocal(local, keys), logger)
    : undefined;
  guard.onChange((open) => {
    if (open) logger.warn('redis cache circuit open: serving from upstream');
    else logger.info('redis cache circuit closed: caching resumed');
  });
  const keysOf = (kind: RecordKind, ids: readonly string[]) => ids.map((id) => recordKey(sealer, kind, id));

  return {
    async getMany<T>(kind: RecordKind, ids: readonly string[]) {
      const keys = keysOf(kind, ids);
      const out: (CachedRecord<T> | undefined)[] = keys.map((key) => local?.get(key) as CachedRecord<T>);
      const remote = keys.flatMap((_, i) => (out[i] === undefined ? [i] : []));
      let hits = ids.length - remote.length;
      if (remote.length > 0) {
        try {
          const remoteKeys = remote.map((i) => keys[i] as string);
          const values = await guard.run(() => mgetBuffers(redis, remoteKeys));
          values.forEach((sealed, j) => {
            const key = remoteKeys[j] as string;
            const record = sealed ? openRecord<T>(sealer, sealed, key) : undefined;
            if (!record) return;
            out[remote[j] as number] = record;
            local?.set(key, record as CachedRecord);
            hits++;
          });
        } catch (error) {
          countCache(metrics, kind.source, 'hit', hits);
          countCache(metrics, kind.source, 'error', remote.length);
          logger.debug({ err: { message: (error as Error).message } }, 'cache read failed');
          return out;
        }
      }
      countCache(metrics, kind.source, 'hit', hits);
      countCache(metrics, kind.source, 'miss', ids.length - hits);
      return out;
    },

    async setMany(kind, entries) {
      if (entries.length === 0) return;
      const keys = keysOf(
        kind,
        entries.map((e) => e.id),
      );
      const writes = entries.map(({ record }, i) => {
        const key = keys[i] as string;
        const ttlMs = options.ttl(kind, record.value !== null);
        local?.set(key, record as CachedRecord, { ttl: Math.min(localTtlMs, ttlMs) });
        const plaintext = Buffer.from(JSON.stringify({ v: record.value, f: record.fetchedAt }), 'utf8');
        return { key, sealed: sealer.seal(plaintext, key), ttlMs };
      });
      try {
        await guard.run(() =>
          execGroups(redis, keys, groupBySlot(redis, keys), (pipeline, indices) => {
            for (const i of indices) {
              const w = writes[i] as (typeof writes)[number];
              pipeline.set(w.key, w.sealed, 'PX', w.ttlMs);
            }
            pipeline.del(...indices.map((i) => lockKeyOf(keys[i] as string)));
          }),
        );
      } catch (error) {
        countCache(metrics, kind.source, 'error', entries.length);
        logger.debug({ err: { message: (error as Error).message } }, 'cache write failed');
      }
    },

    async evict(kind, ids) {
      if (ids.length === 0) return;
      const keys = keysOf(kind, ids);
      if (local) dropLocal(local, keys);
      await guard.run(() =>
        execGroups(redis, keys, groupBySlot(redis, keys), (pipeline, indices) => {
          pipeline.del(...indices.map((i) => keys[i] as string));
        }),
      );
      await publishEviction(redis, keys).catch((error: Error) => {
        logger.warn({ err: { message: error.message } }, 'cache eviction not broadcast to other replicas');
      });
    },

    async acquireFetchLocks(kind, ids) {
      const keys = keysOf(kind, ids).map(lockKeyOf);
      const groups = groupBySlot(redis, keys);
      try {
        const replies = await guard.run(() =>
          execGroups(redis, keys, groups, (pipeline, indices) => {
            for (const i of indices) pipeline.set(keys[i] as string, '1', 'PX', lockTtlMs, 'NX');
          }),
        );
        const won = new Array<boolean>(keys.length).fill(true);
        groups.forEach((indices, g) => {
          indices.forEach((i, j) => {
            won[i] = replies[g]?.[j] === 'OK';
          });
        });
        return won;
      } catch {
        return ids.map(() => true);
      }
    },

    health: () =>
      guard.degraded() || redis.status !== 'ready'
        ? { ok: true, degraded: true, detail: 'redis unreachable: cache bypassed' }
        : { ok: true, detail: 'redis' },

    async [Symbol.asyncDispose]() {
      await subscription?.[Symbol.asyncDispose]();
      local?.clear();
    },
  };
}

export function recordKey(sealer: RecordSealer, kind: RecordKind, id: string): string {
  const { bucket, digest } = sealer.hashId(id);
  return `rc:{${safe(kind.source)}:${safe(kind.entity)}:${bucket % BUCKETS}}:v${kind.version ?? 1}:${digest}`;
}

// Same hash tag as its record, so a record and its lock share a slot (one pipeline per node).
const lockKeyOf = (key: string): string => `${key}:lock`;

const safe = (name: string): string => name.replace(/[^A-Za-z0-9_.-]/g, '_');

function dropLocal(local: LRUCache<string, CachedRecord>, keys: readonly string[]): void {
  for (const key of keys) local.delete(key);
}

async function mgetBuffers(redis: RedisClient, keys: readonly string[]): Promise<(Buffer | null)[]> {
  const groups = groupBySlot(redis, keys);
  const replies = await execGroups(redis, keys, groups, (pipeline, indices) => {
    pipeline.mgetBuffer(...indices.map((i) => keys[i] as string));
  });
  const values = new Array<Buffer | null>(keys.length).fill(null);
  groups.forEach((indices, g) => {
    const reply = (replies[g]?.[0] ?? []) as (Buffer | null)[];
    indices.forEach((i, j) => {
      values[i] = reply[j] ?? null;
    });
  });
  return values;
}

function openRecord<T>(sealer: RecordSealer, sealed: Buffer, key: string): CachedRecord<T> | undefined {
  const plaintext = sealer.open(sealed, key);
  if (!plaintext) return undefined;
  try {
    const parsed = JSON.parse(plaintext.toString('utf8')) as { v: T | null; f: number };
    return typeof parsed.f === 'number' ? { value: parsed.v ?? null, fetchedAt: parsed.f } : undefined;
  } catch {
    return undefined;
  }
}
