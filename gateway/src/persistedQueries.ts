// Persisted queries, resolved by the gateway itself before Apollo Server sees the request (Apollo's own
// APQ is switched off). By default, automatic persisted queries (APQ): a client sends a query's SHA-256
// once with the text, then the hash alone. The store is scoped per client: a hash registered by one
// client system is unknown to every other, so a hash-only request cannot ask "did anyone look this
// citizen up today?" — a foreign hash is answered exactly as an unknown one. Texts live in Redis
// (lib/cache/apqStore.ts) sealed, under a keyed hash of (client, hash), so that any replica serves them.
// With PERSISTED_QUERIES_ONLY=1 the gateway accepts only the operations of a safelist loaded at start
// from PERSISTED_QUERIES_FILE (a JSON object of sha256 hex → query text, e.g. generated from the client
// systems' code at release time): clients may send the hash alone or the full text, anything else is
// refused before it is planned, and nothing can be registered at run time.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { GraphQLError } from 'graphql';
import { createApqStore } from '../../lib/cache/apqStore.ts';
import type { RecordSealer } from '../../lib/cache/recordSealer.ts';
import { ConfigError, codedError, ErrorCode } from '../../lib/errors.ts';
import type { CheckResult } from '../../lib/httpServer.ts';
import type { Logger } from '../../lib/logger.ts';
import type { RedisClient } from '../../lib/redis.ts';
import type { OperationStage } from './plugins/pipeline/index.ts';

export interface PersistedQueriesConfig {
  /** Accept only the safelist's operations (PERSISTED_QUERIES_ONLY); default false. */
  readonly only: boolean;
  /** The safelist, JSON { "<sha256 hex>": "<query>" } (PERSISTED_QUERIES_FILE); required with `only`. */
  readonly file: string | undefined;
  /** How long an automatically persisted query is kept, seconds (PERSISTED_QUERIES_TTL_SECONDS); default 86 400. */
  readonly ttlSeconds: number;
}

/** A GraphQL request as the HTTP layer holds it: the JSON body (POST) or the query-string fields (GET). */
export interface RequestFields {
  query?: unknown;
  extensions?: unknown;
  [field: string]: unknown;
}

export type Resolution = { readonly fields: RequestFields } | { readonly error: GraphQLError };

export interface PersistedQueries {
  /** Replaces a persisted-query reference by its text (or registers it), for the client who sent it. */
  resolve(fields: RequestFields, clientId: string): Promise<Resolution>;
  /** Refuses operations outside the safelist; absent in APQ mode. */
  readonly stage?: OperationStage;
  health(): CheckResult;
}

export interface PersistedQueriesDeps {
  readonly redis?: RedisClient;
  /** Seals query texts in Redis; required with redis. */
  readonly sealer?: RecordSealer;
  /** Keys the per-client store names (≥ 32 bytes); default random per process (no Redis: nothing shared). */
  readonly idHashKey?: Buffer;
  readonly logger: Logger;
}

const HASH = /^[0-9a-fA-F]{64}$/;

export async function createPersistedQueries(
  config: PersistedQueriesConfig,
  deps: PersistedQueriesDeps,
): Promise<PersistedQueries> {
  if (config.only) {
    const safelist = await loadSafelist(config.file as string);
    return {
      resolve: async (fields) => resolveReference(fields, async (hash) => safelist.get(hash)),
      stage: safelistStage(safelist),
      health: () => ({ ok: true, detail: `safelist of ${safelist.size}` }),
    };
  }
  if (deps.redis && !deps.idHashKey) throw new Error('persisted queries in Redis need idHashKey');
  const store = createApqStore({
    redis: deps.redis,
    sealer: deps.sealer,
    logger: deps.logger,
    defaultTtlSeconds: config.ttlSeconds,
  });
  const idHashKey = deps.idHashKey ?? randomBytes(32);
  // Neither the client id (a citizen's token carries the citizen's id) nor the query's hash appears.
  const keyOf = (clientId: string, hash: string) =>
    createHmac('sha256', idHashKey).update(`${clientId}\u0000${hash}`).digest('base64url');
  return {
    resolve: (fields, clientId) =>
      resolveReference(
        fields,
        (hash) => store.get(keyOf(clientId, hash)),
        (hash, query) => store.set(keyOf(clientId, hash), query, { ttl: config.ttlSeconds }),
      ),
    health: () => store.health(),
  };
}

/**
 * The APQ protocol: version 1 and a SHA-256 hex hash; with the text, the hash must be the text's and
 * the text is registered (`register`); without it, the registered text is used or the client is told
 * PERSISTED_QUERY_NOT_FOUND (and sends the text again). The extension is removed either way.
 */
async function resolveReference(
  fields: RequestFields,
  lookup: (hash: string) => Promise<string | undefined>,
  register?: (hash: string, query: string) => Promise<void>,
): Promise<Resolution> {
  const extensions = fields.extensions;
  if (!isObject(extensions) || !('persistedQuery' in extensions)) return { fields };
  const { persistedQuery, ...otherExtensions } = extensions;
  const rest: RequestFields = { ...fields, extensions: otherExtensions };
  if (!isObject(persistedQuery)) return { error: badRequest('extensions.persistedQuery must be an object.') };
  if (persistedQuery['version'] !== 1) {
    return {
      error: codedError(
        ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
        'Only persisted queries of version 1 are supported.',
        {
          status: 400,
        },
      ),
    };
  }
  const hash = persistedQuery['sha256Hash'];
  if (typeof hash !== 'string' || !HASH.test(hash)) {
    return { error: badRequest('extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits.') };
  }
  const normalized = hash.toLowerCase();
  if (typeof fields.query === 'string') {
    if (sha256(fields.query) !== normalized) {
      return { error: badRequest('extensions.persistedQuery.sha256Hash is not the SHA-256 of the query.') };
    }
    await register?.(normalized, fields.query);
    return { fields: rest };
  }
  if (fields.query !== undefined && fields.query !== null)
    return { error: badRequest('query must be a string.') };
  const query = await lookup(normalized);
  if (query === undefined) {
    return {
      error: codedError(ErrorCode.PERSISTED_QUERY_NOT_FOUND, 'PersistedQueryNotFound', { status: 200 }),
    };
  }
  return { fields: { ...rest, query } };
}

const badRequest = (message: string) => codedError(ErrorCode.BAD_REQUEST, message, { status: 400 });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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

function safelistStage(safelist: ReadonlyMap<string, string>): OperationStage {
  return {
    name: 'safelist',
    run({ queryHash }) {
      if (!safelist.has(queryHash)) {
        throw codedError(ErrorCode.FORBIDDEN, 'This gateway accepts only registered operations.', {
          status: 403,
          extensions: { reason: 'OPERATION_NOT_REGISTERED' },
        });
      }
    },
  };
}
