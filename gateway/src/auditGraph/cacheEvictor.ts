// On-demand eviction (mutation evictCachedRecords, scope cache:evict): asks every source subgraph to
// evict what it caches about one subject (POST /admin/evict, subgraphs/common/evictHandler.ts), in
// parallel, each under the gateway's internal token for that subgraph. A subgraph that cannot be
// reached, or whose shared cache cannot, is reported as failed: the operator must not believe that an
// eviction happened when it did not. The request itself is audited like any other operation.
import type { Dispatcher } from 'undici';
import { type Caller, signInternalToken } from '../../../lib/internalToken.ts';
import type { SigningKey } from '../../../lib/keys.ts';
import type { Logger } from '../../../lib/logger.ts';

export interface CacheEvictorOptions {
  /** Source subgraph name → its GraphQL URL (the admin route is at the same origin). */
  readonly subgraphs: Readonly<Record<string, string>>;
  readonly dispatcher: Dispatcher;
  readonly signingKey: SigningKey;
  readonly logger: Logger;
  /** Upper bound of one subgraph's answer, ms. */
  readonly timeoutMs: number;
}

export interface CacheEvictionResult {
  readonly subject: string;
  /** Subgraphs that evicted (or had nothing cached under that subject's keys). */
  readonly evicted: string[];
  /** Subgraphs that could not confirm the eviction. */
  readonly failed: string[];
  /** Cache keys evicted, summed over the subgraphs that confirmed. */
  readonly keys: number;
}

export interface CacheEvictor {
  evict(subject: string, caller: Caller): Promise<CacheEvictionResult>;
}

export function createCacheEvictor(options: CacheEvictorOptions): CacheEvictor {
  return {
    async evict(subject, caller) {
      const names = Object.keys(options.subgraphs).sort();
      const answers = await Promise.all(names.map((name) => evictOne(options, name, subject, caller)));
      const evicted = names.filter((_, i) => answers[i] !== undefined);
      return {
        subject,
        evicted,
        failed: names.filter((_, i) => answers[i] === undefined),
        keys: answers.reduce<number>((sum, n) => sum + (n ?? 0), 0),
      };
    },
  };
}

/** The number of keys the subgraph evicted, or undefined when it did not confirm. */
async function evictOne(
  options: CacheEvictorOptions,
  name: string,
  subject: string,
  caller: Caller,
): Promise<number | undefined> {
  try {
    const url = new URL('/admin/evict', options.subgraphs[name]);
    const token = await signInternalToken(options.signingKey, caller, name);
    const response = await options.dispatcher.request({
      origin: url.origin,
      path: url.pathname,
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const body = (await response.body.json().catch(() => undefined)) as { keys?: unknown } | undefined;
    if (response.statusCode !== 200 || typeof body?.keys !== 'number') {
      options.logger.warn({ subgraph: name, status: response.statusCode }, 'cache eviction refused');
      return undefined;
    }
    return body.keys;
  } catch (error) {
    options.logger.warn({ subgraph: name, err: { name: (error as Error).name } }, 'cache eviction failed');
    return undefined;
  }
}
