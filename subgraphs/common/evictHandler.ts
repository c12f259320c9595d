// POST /admin/evict: an operator's on-demand eviction of one subject's cached records, relayed by the
// gateway (mutation evictCachedRecords, scope cache:evict, audited there). Like /graphql it serves only
// the gateway's internal token, and only one carrying cache:evict. The answer says whether the shared
// store was reached: an eviction that did not happen must not look as if it had.
import type { RecordCache } from '../../lib/cache/types.ts';
import { BodyTooLargeError, type RequestHandler, readJson, sendJson } from '../../lib/httpServer.ts';
import { bearerToken, type InternalTokenVerifier } from '../../lib/internalToken.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Metrics } from '../../lib/metrics.ts';
import type { Source } from '../../lib/topology.ts';
import { isEvictableSubject, subjectTargets } from './cacheTargets.ts';
import { evictionCounter } from './changeFeed.ts';

export const EVICT_PATH = '/admin/evict';
export const EVICT_SCOPE = 'cache:evict';

export interface EvictHandlerOptions {
  readonly source: Source;
  readonly cache: RecordCache;
  readonly verifier: InternalTokenVerifier;
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

/** The answer: how many cache keys of this source the subject maps to (all of them evicted). */
export interface EvictAnswer {
  readonly source: Source;
  readonly keys: number;
}

export function createEvictHandler(options: EvictHandlerOptions): RequestHandler {
  const counter = options.metrics ? evictionCounter(options.metrics) : undefined;
  return async (req, res) => {
    if ((req.url ?? '/').split('?', 1)[0] !== EVICT_PATH) return false;
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'only POST' }, { allow: 'POST' });
      return true;
    }
    let scopes: readonly string[];
    try {
      scopes = (await options.verifier.verify(bearerToken(req.headers.authorization))).scopes;
    } catch {
      sendJson(res, 401, { error: 'a valid internal token is required' }, { 'www-authenticate': 'Bearer' });
      return true;
    }
    if (!scopes.includes(EVICT_SCOPE)) {
      sendJson(res, 403, { error: `the ${EVICT_SCOPE} scope is required` });
      return true;
    }
    let body: unknown;
    try {
      body = await readJson(req, 4096);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      sendJson(res, 413, { error: 'body too large' }, { connection: 'close' });
      return true;
    }
    const subject = (body as { subject?: unknown } | undefined)?.subject;
    if (typeof subject !== 'string' || !isEvictableSubject(subject)) {
      // Never echo the value: it may be a citizen's id.
      sendJson(res, 400, {
        error: 'subject must be a citizen id, enterprise code, land serial or result code',
      });
      return true;
    }
    const targets = subjectTargets(options.source, subject);
    try {
      for (const target of targets) await options.cache.evict(target.kind, target.ids);
    } catch (error) {
      options.logger.warn({ err: { message: (error as Error).message } }, 'requested eviction failed');
      sendJson(res, 503, { error: 'the shared cache could not be reached' });
      return true;
    }
    if (targets.length > 0) counter?.inc({ source: options.source, reason: 'request' }, targets.length);
    const answer: EvictAnswer = { source: options.source, keys: targets.length };
    sendJson(res, 200, answer);
    return true;
  };
}
