// Citizen and Enterprise as the registry knows them: the results issued to them, filtered and newest
// first. Codes come first (one batch per level), then the results (one more batch).
import { badUserInput } from '../../../lib/errors.ts';
import { isCitizenId, isEnterpriseCode, isProcedureCode, PROCEDURE_CODE_FORMAT } from '../../../lib/ids.ts';
import type { ResultsContext } from '../context.ts';
import { subjectKey } from '../datasources/resultsLoaders.ts';
import type { LoaiDoiTuong } from '../datasources/types.ts';
import { RESULT_STATUS } from '../datasources/verifyAttestation.ts';
import { type ResultParent, statusOf } from './resultResolvers.ts';

export interface ResultFilter {
  readonly procedureCode?: string | null;
  readonly status?: string | null;
}

const STATUSES = new Set(Object.values(RESULT_STATUS));

export function checkFilter(filter: ResultFilter): void {
  if (filter.procedureCode != null && !isProcedureCode(filter.procedureCode)) {
    throw badUserInput('procedureCode', PROCEDURE_CODE_FORMAT);
  }
  if (filter.status != null && !STATUSES.has(filter.status)) {
    throw badUserInput('status', `one of ${[...STATUSES].join(', ')}`);
  }
}

async function resultsOf(
  kind: LoaiDoiTuong,
  id: string,
  valid: boolean,
  filter: ResultFilter,
  context: ResultsContext,
): Promise<ResultParent[]> {
  checkFilter(filter);
  // Keys arrive from the gateway; a malformed one cannot be a subject and costs no request.
  if (!valid) return [];
  const codes = (await context.loaders.codesBySubject.load(subjectKey(kind, id)))?.record ?? [];
  const loaded = await context.loaders.result.loadMany(codes);
  const results: ResultParent[] = [];
  codes.forEach((code, i) => {
    const slot = loaded[i];
    if (slot instanceof Error) throw slot;
    if (!slot) return;
    if (filter.procedureCode != null && slot.record.maThuTuc !== filter.procedureCode) return;
    if (filter.status != null && statusOf(slot.record) !== filter.status) return;
    results.push({ code, loaded: slot });
  });
  return results.sort((a, b) =>
    (b.loaded?.record.ngayCap ?? '').localeCompare(a.loaded?.record.ngayCap ?? ''),
  );
}

export const citizenResolvers = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  issuedResults: (parent: { id: string }, args: ResultFilter, context: ResultsContext) =>
    resultsOf('CONG_DAN', parent.id, isCitizenId(parent.id), args, context),
};

export const enterpriseResolvers = {
  __resolveReference: (reference: { code: string }) => ({ code: reference.code }),
  issuedResults: (parent: { code: string }, args: ResultFilter, context: ResultsContext) =>
    resultsOf('DOANH_NGHIEP', parent.code, isEnterpriseCode(parent.code), args, context),
};
