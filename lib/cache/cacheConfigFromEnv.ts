// Cache and Redis settings from the environment, the same for every subgraph (and the gateway's
// rate limiter and APQ store). Settings that isolate tenants or protect citizens' data (key prefix,
// encryption keys) have no silent default outside dev mode.

import { type EnvReader, env, readEnv, secret } from '../env.ts';
import { ConfigError } from '../errors.ts';
import { DEV_KEY_DIR } from '../keys.ts';
import { loadDevCacheKeys } from './devCacheKeys.ts';
import { type CacheEncryption, validateEncryption } from './recordSealer.ts';
import type { TtlOptions } from './ttlPolicy.ts';

export interface CacheConfig {
  /** Absent: the embedded in-process cache. */
  readonly redis?: {
    readonly url?: string;
    readonly clusterNodes?: readonly string[];
    readonly keyPrefix: string;
    readonly commandTimeoutMs: number;
    readonly connectTimeoutMs: number;
  };
  readonly ttl: TtlOptions;
  readonly maxEntries: number;
  readonly localTtlMs: number;
  /** Present whenever Redis is configured. */
  readonly encryption?: CacheEncryption & { readonly idHashKey: Buffer };
}

const DEV_KEY_PREFIX = 'lienthong:dev:';

/** "300" or "300,population=600,land:thua-dat=3600": a default and per source / source:entity TTLs. */
const ttlTable: EnvReader<{ fallback?: number; table: Record<string, number> }> = (raw) => {
  const table: Record<string, number> = {};
  let fallback: number | undefined;
  for (const part of (raw ?? '').split(',').filter((p) => p.trim() !== '')) {
    const match = /^\s*(?:([a-z0-9_.-]+(?::[a-z0-9_.-]+)?)=)?(\d{1,9})\s*$/i.exec(part);
    if (!match || Number(match[2]) <= 0)
      throw new Error('seconds, or a list like 300,population=600,land:thua-dat=60');
    if (match[1]) table[match[1]] = Number(match[2]);
    else fallback = Number(match[2]);
  }
  return { fallback, table };
};

const ratio: EnvReader<number> = (raw) => {
  if (raw === undefined) return 0.1;
  const n = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || n > 1) throw new Error('a ratio from 0 to 1');
  return n;
};

/** "k1:<base64 32 bytes>,k2:…", the first being the current key. */
export const encryptionKeys: EnvReader<{ keys: Record<string, Buffer>; currentKid: string } | undefined> = (
  raw,
) => {
  if (raw === undefined) return undefined;
  const keys: Record<string, Buffer> = {};
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const at = entry.indexOf(':');
    const key = Buffer.from(entry.slice(at + 1), 'base64');
    if (at < 1 || key.length !== 32) throw new Error('kid:<base64 of 32 bytes>[,kid:…], the first current');
    keys[entry.slice(0, at)] = key;
  }
  const currentKid = (entries[0] as string).slice(0, (entries[0] as string).indexOf(':'));
  validateEncryption({ keys, currentKid });
  return { keys, currentKid };
};

const secret32: EnvReader<Buffer | undefined> = (raw) => {
  if (raw === undefined) return undefined;
  const key = Buffer.from(raw, 'base64');
  if (key.length < 32) throw new Error('base64 of at least 32 random bytes');
  return key;
};

const spec = {
  LIENTHONG_DEV: env.flag(),
  REDIS_URL: env.url(['redis:', 'rediss:']),
  REDIS_CLUSTER_NODES: env.hostPorts(),
  REDIS_KEY_PREFIX: env.optionalString(),
  REDIS_COMMAND_TIMEOUT_MS: env.integer(100, 1, 60_000),
  REDIS_CONNECT_TIMEOUT_MS: env.integer(1000, 1, 60_000),
  CACHE_TTL_SECONDS: ttlTable,
  CACHE_NEGATIVE_TTL_SECONDS: env.integer(30, 1, 86_400),
  CACHE_TTL_JITTER: ratio,
  CACHE_MAX_ENTRIES: env.integer(10_000, 1, 10_000_000),
  CACHE_LOCAL_TTL_MS: env.integer(1000, 0, 3_600_000),
  CACHE_ENCRYPTION_KEYS: secret(encryptionKeys),
  CACHE_ID_HASH_KEY: secret(secret32),
} as const;

export interface CacheConfigOptions {
  /** Where dev mode keeps its generated cache keys; default data/keys. */
  readonly devKeyDir?: string;
}

export async function cacheConfigFromEnv(
  source: NodeJS.ProcessEnv = process.env,
  options: CacheConfigOptions = {},
): Promise<CacheConfig> {
  const vars = readEnv(spec, source);
  const dev = vars.LIENTHONG_DEV;
  const withRedis = vars.REDIS_URL !== undefined || vars.REDIS_CLUSTER_NODES !== undefined;
  const problems: string[] = [];
  const prefix = vars.REDIS_KEY_PREFIX ?? (dev ? DEV_KEY_PREFIX : undefined);
  if (withRedis && prefix === undefined) {
    problems.push(
      'REDIS_KEY_PREFIX: expected a key prefix isolating this deployment (e.g. "lienthong:prod:"), got nothing',
    );
  } else if (prefix !== undefined && /[{}\s]/.test(prefix)) {
    problems.push(`REDIS_KEY_PREFIX: expected no braces or spaces, got ${JSON.stringify(prefix)}`);
  }
  let encryption: CacheConfig['encryption'];
  if (withRedis) {
    const given = vars.CACHE_ENCRYPTION_KEYS;
    const devKeys =
      dev && (!given || !vars.CACHE_ID_HASH_KEY)
        ? await loadDevCacheKeys(options.devKeyDir ?? DEV_KEY_DIR)
        : undefined;
    const keys = given ?? devKeys?.encryption;
    const idHashKey = vars.CACHE_ID_HASH_KEY ?? devKeys?.idHashKey;
    if (!keys)
      problems.push(
        'CACHE_ENCRYPTION_KEYS: expected kid:<base64 of 32 bytes>[,…] (required with Redis), got nothing',
      );
    if (!idHashKey)
      problems.push(
        'CACHE_ID_HASH_KEY: expected base64 of at least 32 random bytes (required with Redis), got nothing',
      );
    if (keys && idHashKey) encryption = { ...keys, idHashKey };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const ttl = vars.CACHE_TTL_SECONDS;
  return Object.freeze({
    redis:
      withRedis && prefix !== undefined
        ? {
            url: vars.REDIS_URL,
            clusterNodes: vars.REDIS_CLUSTER_NODES,
            keyPrefix: prefix,
            commandTimeoutMs: vars.REDIS_COMMAND_TIMEOUT_MS,
            connectTimeoutMs: vars.REDIS_CONNECT_TIMEOUT_MS,
          }
        : undefined,
    ttl: {
      ttlSeconds: ttl.table,
      defaultTtlSeconds: ttl.fallback ?? 300,
      negativeTtlSeconds: vars.CACHE_NEGATIVE_TTL_SECONDS,
      jitterRatio: vars.CACHE_TTL_JITTER,
    },
    maxEntries: vars.CACHE_MAX_ENTRIES,
    localTtlMs: vars.CACHE_LOCAL_TTL_MS,
    encryption,
  });
}
