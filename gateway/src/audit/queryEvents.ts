// Reading the log newest first with keyset pagination on (at, seq). With a subject the scan starts
// from the audit_subjects index (subject, at, seq); otherwise from the narrowest audit_records index
// the planner picks. The cursor is opaque to clients: base64url of the last row's time and seq.
import { AuditQueryError } from './errors.ts';
import { eventOfRecord, RECORD_COLUMNS, recordOfRow } from './recordRows.ts';
import type { SqlExecutor } from './sqlDatabase.ts';
import { AUDIT_OUTCOMES, type AuditEventConnection, type AuditFilter, type PageRequest } from './types.ts';

export const AUDIT_PAGE_DEFAULT = 20;
export const AUDIT_PAGE_MAX = 100;

export function encodeCursor(at: Date, seq: number): string {
  return Buffer.from(`${at.toISOString()}|${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; seq: number } {
  const [iso, seqText, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(iso ?? '');
  const seq = Number(seqText);
  if (extra !== undefined || Number.isNaN(at.getTime()) || !Number.isSafeInteger(seq) || seq < 1) {
    throw new AuditQueryError('after', 'a cursor returned by a previous page');
  }
  return { at, seq };
}

function parseTime(value: Date | string, argument: string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}/.test(value)) date.setTime(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new AuditQueryError(argument, 'an ISO 8601 date or date-time');
  return date;
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return AUDIT_PAGE_DEFAULT;
  if (!Number.isInteger(first) || first < 1 || first > AUDIT_PAGE_MAX) {
    throw new AuditQueryError('first', `an integer from 1 to ${AUDIT_PAGE_MAX}`);
  }
  return first;
}

/** Builds the SQL for one page (one row more than asked, to learn whether another page follows). */
export function buildPageQuery(filter: AuditFilter, page: PageRequest): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // k is the table whose (at, seq) drives the scan.
  const bySubject = typeof filter.subject === 'string';
  const from = bySubject
    ? 'audit_subjects s JOIN audit_records r ON r.seq = s.seq AND r.at = s.at'
    : 'audit_records r';
  const k = bySubject ? 's' : 'r';
  if (bySubject) where.push(`s.subject = ${param(filter.subject)}`);
  const columns: [keyof AuditFilter, string][] = [
    ['clientId', 'client_id'],
    ['officer', 'officer'],
    ['procedureCode', 'procedure_code'],
    ['dossierId', 'dossier_id'],
  ];
  for (const [key, column] of columns) {
    const value = filter[key];
    if (typeof value === 'string') where.push(`r.${column} = ${param(value)}`);
  }
  if (typeof filter.outcome === 'string') {
    if (!(AUDIT_OUTCOMES as readonly string[]).includes(filter.outcome)) {
      throw new AuditQueryError('outcome', `one of ${AUDIT_OUTCOMES.join(', ')}`);
    }
    where.push(`r.outcome = ${param(filter.outcome)}`);
  }
  if (filter.from) where.push(`${k}.at >= ${param(parseTime(filter.from, 'from'))}`);
  if (filter.to) where.push(`${k}.at < ${param(parseTime(filter.to, 'to'))}`);
  if (page.after) {
    const cursor = decodeCursor(page.after);
    where.push(`(${k}.at, ${k}.seq) < (${param(cursor.at)}::timestamptz, ${param(cursor.seq)}::bigint)`);
  }
  const limit = param(pageSize(page.first) + 1);
  const columnList = RECORD_COLUMNS.split(', ')
    .map((c) => `r.${c}`)
    .join(', ');
  return {
    text:
      `SELECT ${columnList} FROM ${from}` +
      (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
      ` ORDER BY ${k}.at DESC, ${k}.seq DESC LIMIT ${limit}`,
    params,
  };
}

export async function queryEvents(
  db: SqlExecutor,
  filter: AuditFilter,
  page: PageRequest,
  options: { withOfficer: boolean },
): Promise<AuditEventConnection> {
  const size = pageSize(page.first);
  const { text, params } = buildPageQuery(filter, page);
  const { rows } = await db.query(text, params);
  const records = rows.slice(0, size).map(recordOfRow);
  const edges = records.map((record) => ({
    cursor: encodeCursor(record.at, record.seq),
    node: eventOfRecord(record, options.withOfficer),
  }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
