// From the admin search form to the store's AuditFilter. Days are Vietnam days and both ends are
// inclusive, as an administrator reads "from 1 to 3 March"; the store's `to` is exclusive, so the
// end becomes the next day's midnight.
import { AuditQueryError } from '../audit/errors.ts';
import type { AuditFilter } from '../audit/types.ts';
import { SUBJECT_FORMAT, subjectKey } from '../auditGraph/subjectKey.ts';
import { SEARCH_FIELDS, type SearchParams } from './adminPages.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function searchParamsOf(query: URLSearchParams): SearchParams {
  const params: SearchParams = {};
  for (const field of SEARCH_FIELDS) {
    const value = query.get(field)?.trim();
    if (value) params[field] = value.slice(0, 128);
  }
  return params;
}

/** Throws AuditQueryError naming the field at fault. */
export function filterOf(params: SearchParams): AuditFilter {
  let subject: string | undefined;
  if (params.subject) {
    subject = subjectKey(params.subject);
    if (!subject) throw new AuditQueryError('subject', SUBJECT_FORMAT);
  }
  return {
    subject,
    clientId: params.clientId,
    procedureCode: params.procedureCode,
    dossierId: params.dossierId,
    outcome: params.outcome,
    from: params.from ? vietnamMidnight(params.from, 0, 'from') : undefined,
    to: params.to ? vietnamMidnight(params.to, 1, 'to') : undefined,
  };
}

function vietnamMidnight(day: string, plusDays: number, field: string): string {
  const midnight = new Date(`${day}T00:00:00+07:00`);
  if (!DAY.test(day) || Number.isNaN(midnight.getTime()))
    throw new AuditQueryError(field, 'a day as YYYY-MM-DD');
  return new Date(midnight.getTime() + plusDays * 86_400_000).toISOString();
}
