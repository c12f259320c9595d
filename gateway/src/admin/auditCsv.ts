// CSV export of an admin search (RFC 4180). Cells that a spreadsheet would run as a formula are
// prefixed with an apostrophe: a client id or officer name comes from a token, not from us.
import type { AuditEvent } from '../audit/types.ts';

export const CSV_COLUMNS = [
  'id',
  'at',
  'clientId',
  'officer',
  'procedureCode',
  'dossierId',
  'outcome',
  'subjects',
  'fields',
  'denied',
] as const;

export function csvCell(value: string | null): string {
  if (value === null) return '';
  // Spreadsheets skip leading blanks before reading a formula: " =1+1" and "\t@SUM(…)" run too.
  const safe = /^[\s]*[=+\-@]|^[\t\r\n]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(event: AuditEvent): string {
  return CSV_COLUMNS.map((column) => {
    const value = event[column];
    return csvCell(Array.isArray(value) ? value.join(' ') : (value as string | null));
  }).join(',');
}

export function auditCsv(events: Iterable<AuditEvent>): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const event of events) lines.push(csvRow(event));
  return `${lines.join('\r\n')}\r\n`;
}
