// The audit store as the request path sees it, with each commit in a span: the commit is where a
// request waits for the database (group commit, DESIGN.md "Quality bars"), so traces show it apart.
import { withSpan } from '../../lib/tracing.ts';
import type { AuditStore } from './audit/types.ts';

export function tracedAuditStore(store: AuditStore): AuditStore {
  return {
    // The store is a plain object of functions (createAuditStore.ts): every other method as it is.
    ...store,
    append: (record) => withSpan('audit.commit', () => store.append(record)),
    // The gateway disposes the store it opened itself, never through this view.
    [Symbol.asyncDispose]: async () => {},
  };
}
