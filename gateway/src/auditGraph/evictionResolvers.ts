// Mutation.evictCachedRecords of the in-process audit subgraph: an operator's on-demand eviction of
// one subject's cached upstream records (scope cache:evict, purpose-free, audited like any operation).
import { badUserInput, forbidden } from '../../../lib/errors.ts';
import { isCitizenId, isEnterpriseCode, isLandSerial, isResultCode } from '../../../lib/ids.ts';
import type { GatewayContext } from '../context.ts';
import type { CacheEvictor } from './cacheEvictor.ts';
import { subjectKey } from './subjectKey.ts';

export const EVICTABLE_SUBJECT_FORMAT =
  'a citizen id (12 digits), an enterprise code, a land certificate serial or an issued result code';

const isEvictable = (subject: string): boolean =>
  isCitizenId(subject) || isEnterpriseCode(subject) || isLandSerial(subject) || isResultCode(subject);

export function evictionResolvers(evictor: CacheEvictor) {
  return {
    Mutation: {
      evictCachedRecords: async (_: unknown, args: { subject: string }, context: GatewayContext) => {
        const caller = context.resolution.caller;
        // Defence in depth: the authorization plugin has already removed the field without the scope.
        if (!caller?.scopes.includes('cache:evict'))
          throw forbidden('This field needs the cache:evict scope.', ['cache:evict']);
        if (!isEvictable(args.subject)) throw badUserInput('subject', EVICTABLE_SUBJECT_FORMAT);
        // The audit names whose cached records an operator evicted.
        const subject = subjectKey(args.subject);
        if (subject) context.subjectsServed.add(subject);
        const result = await evictor.evict(args.subject, caller);
        return {
          subject: result.subject,
          evictedSources: result.evicted,
          failedSources: result.failed,
          keys: result.keys,
          complete: result.failed.length === 0,
        };
      },
    },
  };
}
