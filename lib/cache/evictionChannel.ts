// Eviction fan-out: a replica that evicts a record publishes the evicted keys (hashed ids, never raw
// ones) so that every other replica drops its in-process copy at once instead of serving it until the
// local TTL runs out. Pub/sub is best effort; the short local TTL bounds staleness when a message is lost.
import type { Logger } from '../logger.ts';
import { closeRedisClient, keyPrefixOf, type RedisClient } from '../redis.ts';

export interface EvictionSubscription extends AsyncDisposable {}

/** Channel names are not prefixed by ioredis: prefix them here so tenants sharing a Redis don't mix. */
export const evictionChannelOf = (client: RedisClient): string => `${keyPrefixOf(client)}rc:evict`;

export async function publishEviction(client: RedisClient, keys: readonly string[]): Promise<void> {
  await client.publish(evictionChannelOf(client), JSON.stringify({ keys }));
}

/** Listens on a dedicated connection (a subscribed connection can run no other command). */
export function subscribeEvictions(
  client: RedisClient,
  onKeys: (keys: string[]) => void,
  logger: Logger,
): EvictionSubscription {
  const channel = evictionChannelOf(client);
  // Both client kinds have duplicate(); the union's overloads are not callable as one signature.
  const subscriber = (client as { duplicate(): RedisClient }).duplicate();
  // The duplicate inherits enableOfflineQueue: false, so subscribe only once connected (and again after
  // each reconnection, which is idempotent).
  const subscribe = () => {
    subscriber.subscribe(channel).catch((error: Error) => {
      logger.debug({ err: { message: error.message } }, 'cache eviction subscribe failed');
    });
  };
  subscriber.on('ready', subscribe);
  subscriber.on('error', () => {});
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    try {
      const parsed = JSON.parse(message) as { keys?: unknown };
      if (Array.isArray(parsed.keys)) onKeys(parsed.keys.filter((k): k is string => typeof k === 'string'));
    } catch {
      logger.warn('malformed cache eviction message ignored');
    }
  });
  return {
    [Symbol.asyncDispose]: () => closeRedisClient(subscriber),
  };
}
