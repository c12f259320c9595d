// A citizen's access history (DESIGN.md "Quality bars": a citizen's history shows their own records and
// nothing about anyone else). A record often names several subjects — a batch of 100 citizens, a
// household, an enterprise and its representative — and the officer at the keyboard: the citizen sees
// that their data was read, when, by which client system and for which procedure and dossier, but
// neither the other subjects of that record nor the officer's name.
import type { AuditEventConnection } from './types.ts';

export function ownHistory(connection: AuditEventConnection, subject: string): AuditEventConnection {
  return {
    pageInfo: connection.pageInfo,
    edges: connection.edges.map(({ cursor, node }) => ({
      cursor,
      node: { ...node, officer: null, subjects: node.subjects.filter((s) => s === subject) },
    })),
  };
}
