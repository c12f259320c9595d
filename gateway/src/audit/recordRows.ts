// Mapping between StoredAuditRecord and the audit_records / audit_subjects rows.
import type { AuditContent } from './chain.ts';
import type { SqlRow } from './sqlDatabase.ts';
import type { AuditEvent, AuditOutcome, StoredAuditRecord } from './types.ts';

export const RECORD_COLUMNS =
  'seq, at, request_id, client_id, officer, procedure_code, dossier_id, operation_name, operation_hash, ' +
  'fields, denied, subjects, sources, outcome, duration_ms, prev_hash, hash, token_id';

const nullableText = (value: unknown): string | null => (value === null ? null : String(value));

// pg returns bigint as a string and PGlite as a number; seqs stay far below 2^53.
export function contentOfRow(row: SqlRow): AuditContent {
  return {
    at: row['at'] instanceof Date ? row['at'] : new Date(String(row['at'])),
    requestId: String(row['request_id']),
    clientId: String(row['client_id']),
    officer: nullableText(row['officer']),
    procedureCode: nullableText(row['procedure_code']),
    dossierId: nullableText(row['dossier_id']),
    operationName: nullableText(row['operation_name']),
    operationHash: String(row['operation_hash']),
    fields: row['fields'] as string[],
    denied: row['denied'] as string[],
    subjects: row['subjects'] as string[],
    sources: row['sources'] as string[],
    outcome: row['outcome'] as AuditOutcome,
    durationMs: Number(row['duration_ms']),
    tokenId: nullableText(row['token_id'] ?? null),
  };
}

export function recordOfRow(row: SqlRow): StoredAuditRecord {
  return {
    seq: Number(row['seq']),
    ...contentOfRow(row),
    prevHash: String(row['prev_hash']),
    hash: String(row['hash']),
  };
}

export function eventOfRecord(record: StoredAuditRecord, withOfficer: boolean): AuditEvent {
  return {
    id: String(record.seq),
    at: record.at.toISOString(),
    clientId: record.clientId,
    officer: withOfficer ? record.officer : null,
    procedureCode: record.procedureCode,
    dossierId: record.dossierId,
    subjects: record.subjects,
    fields: record.fields,
    denied: record.denied,
    outcome: record.outcome,
  };
}

/**
 * The batch's records as one JSON array of audit_records rows, keyed by column, for
 * `jsonb_populate_recordset(NULL::audit_records, …)`: one parameter whatever the batch's size, so the
 * statement's text never changes (the database parses it once per connection).
 */
export function recordRowsJson(
  records: readonly StoredAuditRecord[],
  leafSeeds: readonly Uint8Array[],
): string {
  return JSON.stringify(
    records.map((r, i) => ({
      seq: r.seq,
      at: r.at.toISOString(),
      request_id: r.requestId,
      client_id: r.clientId,
      officer: r.officer,
      procedure_code: r.procedureCode,
      dossier_id: r.dossierId,
      operation_name: r.operationName,
      operation_hash: r.operationHash,
      fields: r.fields,
      denied: r.denied,
      subjects: r.subjects,
      sources: r.sources,
      outcome: r.outcome,
      duration_ms: r.durationMs,
      prev_hash: r.prevHash,
      hash: r.hash,
      token_id: r.tokenId ?? null,
      leaf_seed: `\\x${Buffer.from(leafSeeds[i]!).toString('hex')}`,
    })),
  );
}

/** The subject index rows of a batch, as three parallel arrays for unnest: each subject once per record. */
export function subjectRows(records: readonly StoredAuditRecord[]): {
  subjects: string[];
  ats: Date[];
  seqs: number[];
} {
  const rows = { subjects: [] as string[], ats: [] as Date[], seqs: [] as number[] };
  for (const r of records) {
    for (const subject of new Set(r.subjects)) {
      rows.subjects.push(subject);
      rows.ats.push(r.at);
      rows.seqs.push(r.seq);
    }
  }
  return rows;
}
