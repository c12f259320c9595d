// What every subgraph resolver receives: who is asking (verified from the gateway's internal token),
// their scopes as a set, and this request's loaders.
import type { Caller } from '../../lib/internalToken.ts';
import type { Logger } from '../../lib/logger.ts';

export interface SubgraphContext<L> {
  readonly caller: Caller;
  readonly scopes: ReadonlySet<string>;
  /** Per-request DataLoaders: created for this request, dropped with it. */
  readonly loaders: L;
  readonly logger: Logger;
  /** `Type:key` of every entity returned for this request (servedSubjects.ts): the audit's subjects. */
  readonly subjects: Set<string>;
}

/** The scopes of a SubgraphContext, for the scope guard. */
export const scopesOfContext = (context: unknown): ReadonlySet<string> =>
  (context as SubgraphContext<unknown>).scopes;
