// The store behind automatic persisted queries, shared by gateway replicas: a client that registered a
// query's hash with one replica can send the hash alone to another. Redis under its own prefix when
// configured, with an in-process LRU in front that also serves alone while Redis is unreachable (a miss
// only makes the client resend the full query, so failing open is safe here). A query's text can hold
// literal identifiers (`citizen(id: "0920…")`), so in Redis it is sealed like a cached record
// (AES-256-GCM, recordSealer.ts, the Redis key as associated data) and the caller's keys name no one
// (gateway/src/persistedQueries.ts makes them a keyed hash of the client and the query's hash).
import { LRUCache } from 'lru-cache';
import type { CheckResult } from '../httpServer.ts';
import type { Logger } from '../logger.ts';
import type { RedisClient } from '../redis.ts';
import { createRedisGuard, type RedisGuardOptions } from '../redisGuard.ts';
import type { RecordSealer } from './recordSealer.ts';

/** Structurally @apollo/utils.keyvaluecache's KeyValueCache, as Apollo Server's persistedQueries.cache takes it. */
export interface KeyValueCache<V = string> {
  get(key: string): Promise<V | undefined>;
  /** ttl in seconds; null = no expiry; undefined = the store's default. */
  set(key: string, value: V, options?: { ttl?: number | null }): Promise<void>;
  delete(key: string): Promise<boolean>;
}

export interface ApqStoreOptions {
  readonly redis?: RedisClient;
  /** Key namespace after the client's prefix; default "apq:". */
  readonly prefix?: string;
  /** TTL when the caller gives none, seconds; default 86 400 (one day). */
  readonly defaultTtlSeconds?: number;
  /** In-process copy: total characters held; default 16 000 000. */
  readonly maxChars?: number;
  readonly logger: Logger;
  readonly guard?: RedisGuardOptions;
  /** Seals values in Redis; required with redis. */
  readonly sealer?: RecordSealer;
}

export interface ApqStore extends KeyValueCache<string> {
  health(): CheckResult;
}

export function createApqStore(options: ApqStoreOptions): ApqStore {
  const { redis, logger, sealer } = options;
  if (redis && !sealer)
    throw new Error('an APQ store in Redis needs a sealer: query texts can hold identifiers');
  const prefix = options.prefix ?? 'apq:';
  const defaultTtlSeconds = options.defaultTtlSeconds ?? 86_400;
  const guard = createRedisGuard(options.guard);
  const local = new LRUCache<string, string>({
    maxSize: options.maxChars ?? 16_000_000,
    sizeCalculation: (value, key) => Math.max(1, value.length + key.length),
  });
  const quietly = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await guard.run(fn);
    } catch (error) {
      logger.debug({ err: { message: (error as Error).message } }, `apq store ${what} failed`);
      return undefined;
    }
  };
  const ttlMsOf = (ttl: number | null | undefined) =>
    ttl === null ? undefined : (ttl ?? defaultTtlSeconds) * 1000;

  return {
    async get(key) {
      const held = local.get(key);
      if (held !== undefined || !redis) return held;
      const sealed = await quietly('read', () => redis.getBuffer(prefix + key));
      const opened = sealed ? sealer?.open(sealed, prefix + key) : undefined;
      if (!opened) return undefined;
      const value = opened.toString('utf8');
      local.set(key, value, { ttl: Math.min(60_000, defaultTtlSeconds * 1000) });
      return value;
    },
    async set(key, value, setOptions) {
      const ttlMs = ttlMsOf(setOptions?.ttl);
      if (ttlMs !== undefined && ttlMs <= 0) return;
      local.set(key, value, ttlMs === undefined ? {} : { ttl: ttlMs });
      if (!redis || !sealer) return;
      const sealed = sealer.seal(Buffer.from(value, 'utf8'), prefix + key);
      await quietly('write', () =>
        ttlMs === undefined
          ? redis.set(prefix + key, sealed)
          : redis.set(prefix + key, sealed, 'PX', Math.max(1, Math.round(ttlMs))),
      );
    },
    async delete(key) {
      const had = local.delete(key);
      if (!redis) return had;
      const removed = await quietly('delete', () => redis.del(prefix + key));
      return had || removed === 1;
    },
    health: () =>
      !redis
        ? { ok: true, detail: 'in-process' }
        : guard.degraded() || redis.status !== 'ready'
          ? { ok: true, degraded: true, detail: 'redis unreachable: per-replica store' }
          : { ok: true, detail: 'redis' },
  };
}
