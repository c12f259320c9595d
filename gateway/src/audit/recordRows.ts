// Mapping between StoredAuditRecord and the audit_records / audit_subjects rows.
import type { AuditContent } from './chain.ts';
import { bindTo, type SqlRow } from './sqlDatabase.ts';
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
 * The statements that insert chained records and their subject index rows, binding their values into
 * `params` (shared with the other statements of the batch, which runs them as one).
 */
export function recordInserts(
  records: readonly StoredAuditRecord[],
  leafSeeds: readonly Uint8Array[],
  params: unknown[],
): string[] {
  const bind = bindTo(params);
  const tuples = records.map((r, i) => {
    const values = [
      r.seq,
      r.at,
      r.requestId,
      r.clientId,
      r.officer,
      r.procedureCode,
      r.dossierId,
      r.operationName,
      r.operationHash,
      r.fields,
      r.denied,
      r.subjects,
      r.sources,
      r.outcome,
      r.durationMs,
      r.prevHash,
      r.hash,
      r.tokenId ?? null,
    ];
    return `(${values.map(bind).join(', ')}, decode(${bind(Buffer.from(leafSeeds[i]!).toString('hex'))}, 'hex'))`;
  });
  const statements = [`INSERT INTO audit_records (${RECORD_COLUMNS}, leaf_seed) VALUES ${tuples.join(', ')}`];

  const subjects: string[] = [];
  const ats: Date[] = [];
  const seqs: number[] = [];
  for (const r of records) {
    for (const subject of new Set(r.subjects)) {
      subjects.push(subject);
      ats.push(r.at);
      seqs.push(r.seq);
    }
  }
  if (subjects.length > 0) {
    statements.push(
      `INSERT INTO audit_subjects (subject, at, seq) SELECT * FROM unnest(${bind(subjects)}::text[], ${bind(ats)}::timestamptz[], ${bind(seqs)}::bigint[])`,
    );
  }
  return statements;
}
