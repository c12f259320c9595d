// Persisted queries. By default, automatic persisted queries (APQ): a client sends a query's SHA-256
// once and then the hash alone; the texts live in Redis (lib/cache/apqStore.ts), so one registered via
// any replica serves from every other. With PERSISTED_QUERIES_ONLY=1 the gateway accepts only the
// operations of a safelist loaded at start from PERSISTED_QUERIES_FILE (a JSON object of sha256 hex →
// query text, e.g. generated from the client systems' code at release time): clients may send the
// hash alone or the full text, and anything else is refused before it is planned. Nothing can be
// registered at run time in that mode.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ApolloServerPlugin } from '@apollo/server';
import { createApqStore, type KeyValueCache } from '../../lib/cache/apqStore.ts';
import { ConfigError, codedError, ErrorCode } from '../../lib/errors.ts';
import type { CheckResult } from '../../lib/httpServer.ts';
import type { Logger } from '../../lib/logger.ts';
import type { RedisClient } from '../../lib/redis.ts';
import type { GatewayContext } from './context.ts';

export interface PersistedQueriesConfig {
  /** Accept only the safelist's operations (PERSISTED_QUERIES_ONLY); default false. */
  readonly only: boolean;
  /** The safelist, JSON { "<sha256 hex>": "<query>" } (PERSISTED_QUERIES_FILE); required with `only`. */
  readonly file: string | undefined;
  /** How long an automatically persisted query is kept, seconds (PERSISTED_QUERIES_TTL_SECONDS); default 86 400. */
  readonly ttlSeconds: number;
}

export interface PersistedQueries {
  /** For Apollo Server's `persistedQueries` option. */
  readonly options: { readonly cache: KeyValueCache<string>; readonly ttl: number | null };
  /** Refuses operations outside the safelist; absent in APQ mode. */
  readonly plugin?: ApolloServerPlugin<GatewayContext>;
  health(): CheckResult;
}

export async function createPersistedQueries(
  config: PersistedQueriesConfig,
  deps: { readonly redis?: RedisClient; readonly logger: Logger },
): Promise<PersistedQueries> {
  if (!config.only) {
    const store = createApqStore({
      redis: deps.redis,
      logger: deps.logger,
      defaultTtlSeconds: config.ttlSeconds,
    });
    return { options: { cache: store, ttl: config.ttlSeconds }, health: () => store.health() };
  }
  const safelist = await loadSafelist(config.file as string);
  return {
    options: { cache: readOnlyStore(safelist), ttl: null },
    plugin: safelistPlugin(safelist),
    health: () => ({ ok: true, detail: `safelist of ${safelist.size}` }),
  };
}

/** Reads and checks the safelist: every key must be the SHA-256 of its query, as clients compute it. */
export async function loadSafelist(file: string): Promise<ReadonlyMap<string, string>> {
  const problem = (what: string) =>
    new ConfigError([`PERSISTED_QUERIES_FILE: expected ${what}, got ${JSON.stringify(file)}`]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw problem('a readable JSON file');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw problem('a JSON object of sha256 hex → query text');
  }
  const safelist = new Map<string, string>();
  for (const [hash, query] of Object.entries(parsed)) {
    if (typeof query !== 'string' || sha256(query) !== hash.toLowerCase()) {
      throw problem(`every key to be the SHA-256 of its query (${hash.slice(0, 16)}… is not)`);
    }
    safelist.set(hash.toLowerCase(), query);
  }
  return safelist;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function readOnlyStore(safelist: ReadonlyMap<string, string>): KeyValueCache<string> {
  return {
    // Apollo Server prefixes the keys it asks for ("apq:<hash>").
    get: async (key) => safelist.get(key.slice(key.lastIndexOf(':') + 1)),
    // A client's attempt to register is ignored: the safelist changes only with a release.
    set: async () => {},
    delete: async () => false,
  };
}

function safelistPlugin(safelist: ReadonlyMap<string, string>): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ queryHash }) {
          if (!safelist.has(queryHash)) {
            throw codedError(ErrorCode.FORBIDDEN, 'This gateway accepts only registered operations.', {
              status: 403,
              extensions: { reason: 'OPERATION_NOT_REGISTERED' },
            });
          }
        },
      };
    },
  };
}
