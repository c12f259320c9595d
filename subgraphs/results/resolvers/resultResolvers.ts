// IssuedResult: translated field by field from the registry record; the subject is passed on as a
// reference to the population or business subgraph.
import { isResultCode } from '../../../lib/ids.ts';
import { provenanceField } from '../../common/provenance.ts';
import { type Loaded, ownedReference, recordOf } from '../../common/recordLoader.ts';
import type { ResultsContext } from '../context.ts';
import { subjectKey } from '../datasources/resultsLoaders.ts';
import type { KetQua } from '../datasources/types.ts';
import { RESULT_STATUS, SUBJECT_KIND } from '../datasources/verifyAttestation.ts';

export interface ResultParent {
  readonly code: string;
  readonly loaded?: Loaded<KetQua> | null;
}

function fromRecord<R>(pick: (record: KetQua) => R) {
  return async (parent: ResultParent, _args: unknown, context: ResultsContext): Promise<R | null> => {
    const record = await recordOf(parent, context.loaders.result, parent.code);
    return record ? pick(record) : null;
  };
}

export const statusOf = (record: KetQua): string => RESULT_STATUS[record.trangThai] ?? record.trangThai;

export const resultResolvers = {
  __resolveReference: ownedReference(
    'code',
    isResultCode,
    'results:read',
    (context: ResultsContext) => context.loaders.result,
  ),
  code: (parent: ResultParent) => parent.code,
  procedureCode: fromRecord((r) => r.maThuTuc),
  procedureName: fromRecord((r) => r.tenThuTuc),
  title: fromRecord((r) => r.trichYeu),
  issuingAgency: fromRecord((r) =>
    r.coQuanCap ? { code: r.coQuanCap.ma, name: r.coQuanCap.ten, provinceCode: r.coQuanCap.maTinh } : null,
  ),
  issuedAt: fromRecord((r) => r.ngayCap),
  validUntil: fromRecord((r) => r.coGiaTriDen),
  status: fromRecord(statusOf),
  supersededBy: fromRecord((r) => (r.maKetQuaThayThe ? { code: r.maKetQuaThayThe } : null)),
  subject: fromRecord((r) =>
    r.doiTuong
      ? {
          kind: SUBJECT_KIND[r.doiTuong.loai] ?? 'CITIZEN',
          citizen: r.doiTuong.loai === 'CONG_DAN' ? { id: r.doiTuong.ma } : null,
          enterprise: r.doiTuong.loai === 'DOANH_NGHIEP' ? { code: r.doiTuong.ma } : null,
        }
      : null,
  ),
  supersedes: predecessorOf,
  documentSha256: fromRecord((r) => r.maBamTaiLieu),
  attestation: fromRecord((r) => r.chuKy),
  provenance: provenanceField<ResultParent, KetQua, ResultsContext>(
    'results',
    (context) => context.loaders.result,
    (parent) => parent.code,
  ),
};

/**
 * The registry links a replaced result forward only (maKetQuaThayThe). A replacement keeps its
 * predecessor's subject, so the way back is among that subject's results: two batched loads.
 */
async function predecessorOf(
  parent: ResultParent,
  _args: unknown,
  context: ResultsContext,
): Promise<ResultParent | null> {
  const record = await recordOf(parent, context.loaders.result, parent.code);
  if (!record?.doiTuong) return null;
  const key = subjectKey(record.doiTuong.loai, record.doiTuong.ma);
  const codes = (await context.loaders.codesBySubject.load(key))?.record ?? [];
  const loaded = await context.loaders.result.loadMany(codes.filter((code) => code !== parent.code));
  for (const slot of loaded) {
    if (slot && !(slot instanceof Error) && slot.record.maKetQuaThayThe === parent.code)
      return { code: slot.record.maKetQua, loaded: slot };
  }
  return null;
}
