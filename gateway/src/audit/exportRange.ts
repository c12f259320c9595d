// Archiving: every record with from <= at < to, oldest first, page by page on the (at, seq) index so
// that an export of months of records streams in bounded memory.
import { RECORD_COLUMNS, recordOfRow } from './recordRows.ts';
import type { SqlExecutor } from './sqlDatabase.ts';
import type { StoredAuditRecord } from './types.ts';

const PAGE = 1_000;

export async function* exportRange(db: SqlExecutor, from: Date, to: Date): AsyncGenerator<StoredAuditRecord> {
  let after: { at: Date; seq: number } | undefined;
  for (;;) {
    const { rows } = after
      ? await db.query(
          `SELECT ${RECORD_COLUMNS} FROM audit_records WHERE at < $2 AND (at, seq) > ($1::timestamptz, $3::bigint) ORDER BY at, seq LIMIT ${PAGE}`,
          [after.at, to, after.seq],
        )
      : await db.query(
          `SELECT ${RECORD_COLUMNS} FROM audit_records WHERE at >= $1 AND at < $2 ORDER BY at, seq LIMIT ${PAGE}`,
          [from, to],
        );
    const records = rows.map(recordOfRow);
    yield* records;
    const last = records.at(-1);
    if (!last || records.length < PAGE) return;
    after = { at: last.at, seq: last.seq };
  }
}

/** One JSON Lines line: the record with `at` as ISO 8601, hashes included so archives stay verifiable. */
export const exportLine = (record: StoredAuditRecord): string =>
  `${JSON.stringify({ ...record, at: record.at.toISOString() })}\n`;
