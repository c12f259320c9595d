// The audit store as the request path sees it, with each commit in a span: the commit is where a
// request waits for the database (group commit, DESIGN.md "Quality bars"), so traces show it apart.
import { withSpan } from '../../lib/tracing.ts';
import type { AuditStore } from './audit/types.ts';

export function tracedAuditStore(store: AuditStore): AuditStore {
  return {
    append: (record) => withSpan('audit.commit', () => store.append(record)),
    query: (filter, page) => store.query(filter, page),
    accessHistory: (subject, page) => store.accessHistory(subject, page),
    verify: (jwks) => store.verify(jwks),
    ping: () => store.ping(),
    exportRange: (from, to) => store.exportRange(from, to),
    // The gateway disposes the store it opened itself, never through this view.
    [Symbol.asyncDispose]: async () => {},
  };
}
