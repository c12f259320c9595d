// Redis client setup shared by the cache, the rate limiter and the APQ store. Redis is an accelerator,
// never a single point of failure: every option below bounds how long a call can wait when Redis is
// down, slow or silent. ioredis's defaults queue commands while disconnected and retry each one 20
// times (~74 s against a dead server) and wait forever on a server that accepts but never answers.
import { Cluster, Redis } from 'ioredis';
import type { Logger } from './logger.ts';

export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /** `redis://` or `rediss://` URL of a standalone server. One of url or clusterNodes is required. */
  readonly url?: string;
  /** Cluster seed nodes as host:port; when set, a Cluster client is built (url only lends credentials/TLS). */
  readonly clusterNodes?: readonly string[];
  /** Prefix of every key (tenant isolation); required, no default. Must not contain `{` or `}`. */
  readonly keyPrefix: string;
  /** Per-command timeout, ms; default 100. A command not answered in time fails (the cache then misses). */
  readonly commandTimeoutMs?: number;
  /** TCP connect timeout, ms; default 1000. */
  readonly connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts, ms; default 1000. Reconnection never gives up. */
  readonly maxReconnectDelayMs?: number;
  /** Connection name shown by CLIENT LIST; default "lienthong". */
  readonly connectionName?: string;
  readonly logger: Logger;
}

export function createRedisClient(options: RedisClientOptions): RedisClient {
  if (/[{}]/.test(options.keyPrefix)) {
    // A brace in the prefix would become the hash tag of every key and pin all data to one slot.
    throw new Error('keyPrefix must not contain "{" or "}"');
  }
  const commandTimeout = options.commandTimeoutMs ?? 100;
  const maxDelay = options.maxReconnectDelayMs ?? 1000;
  const common = {
    keyPrefix: options.keyPrefix,
    commandTimeout,
    connectTimeout: options.connectTimeoutMs ?? 1000,
    // A server that accepts and then goes silent: drop the socket and reconnect instead of keeping a
    // connection whose every command times out.
    socketTimeout: Math.max(1000, commandTimeout * 10),
    // Fail at once while disconnected instead of queueing (the caller treats it as a miss).
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectionName: options.connectionName ?? 'lienthong',
    disableClientInfo: true,
  } as const;
  const retryStrategy = (times: number) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay);
  const logger = options.logger;
  let client: RedisClient;
  if (options.clusterNodes && options.clusterNodes.length > 0) {
    const auth = options.url ? new URL(options.url) : undefined;
    client = new Cluster(
      options.clusterNodes.map((node) => {
        const at = node.lastIndexOf(':');
        return { host: node.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(node.slice(at + 1)) };
      }),
      {
        keyPrefix: options.keyPrefix,
        enableOfflineQueue: false,
        clusterRetryStrategy: retryStrategy,
        clusterNodeRetryStrategy: retryStrategy,
        // Redirections and CLUSTERDOWN retries would stretch a call far past the command timeout.
        maxRedirections: 3,
        retryDelayOnClusterDown: 50,
        retryDelayOnFailover: 50,
        retryDelayOnTryAgain: 50,
        slotsRefreshTimeout: Math.max(commandTimeout * 5, 500),
        redisOptions: {
          ...common,
          keyPrefix: undefined,
          username: auth?.username ? decodeURIComponent(auth.username) : undefined,
          password: auth?.password ? decodeURIComponent(auth.password) : undefined,
          tls: auth?.protocol === 'rediss:' ? {} : undefined,
        },
      },
    );
  } else if (options.url) {
    client = new Redis(options.url, { ...common, enableOfflineQueue: false, retryStrategy });
  } else {
    throw new Error('createRedisClient needs url or clusterNodes');
  }
  attachLogging(client, logger);
  return client;
}

// Log state changes, not every failed reconnection attempt: a Redis outage must not flood the logs.
function attachLogging(client: RedisClient, logger: Logger): void {
  let down = false;
  client.on('error', (error: Error) => {
    if (!down)
      logger.warn(
        { err: { message: error.message } },
        'redis unavailable; its users fall back until it returns',
      );
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info('redis available again');
    down = false;
  });
}

/** Resolves true once the client is ready, false after timeoutMs (never throws, never fails start-up). */
export function waitForReady(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.once('ready', onReady);
  });
}

/** Closes a client without waiting on a server that may be gone. */
export async function closeRedisClient(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
  } catch {
    // Already closing or closed.
  }
  client.disconnect();
}

export const isCluster = (client: RedisClient): client is Cluster => client instanceof Cluster;

/** The prefix ioredis adds to keys (not to pub/sub channels, which callers prefix themselves). */
export const keyPrefixOf = (client: RedisClient): string => client.options.keyPrefix ?? '';
