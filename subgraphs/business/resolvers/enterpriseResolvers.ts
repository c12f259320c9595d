// Enterprise: translated field by field from the registry record; people and other enterprises it
// names are passed on as references, loaded only when one of their fields is asked.
import { isEnterpriseCode } from '../../../lib/ids.ts';
import { toAddress } from '../../common/address.ts';
import { provenanceField } from '../../common/provenance.ts';
import { type Loaded, ownedReference, recordOf } from '../../common/recordLoader.ts';
import type { BusinessContext } from '../context.ts';
import type { DoanhNghiep } from '../datasources/types.ts';

export interface EnterpriseParent {
  readonly code: string;
  readonly loaded?: Loaded<DoanhNghiep> | null;
}

export const ENTERPRISE_STATUS: Readonly<Record<string, string>> = {
  DANG_HOAT_DONG: 'ACTIVE',
  TAM_NGUNG: 'SUSPENDED',
  GIAI_THE: 'DISSOLVED',
};

function fromRecord<R>(pick: (record: DoanhNghiep) => R) {
  return async (parent: EnterpriseParent, _args: unknown, context: BusinessContext): Promise<R | null> => {
    const record = await recordOf(parent, context.loaders.enterprise, parent.code);
    return record ? pick(record) : null;
  };
}

export const enterpriseResolvers = {
  __resolveReference: ownedReference(
    'code',
    isEnterpriseCode,
    'business:read',
    (context: BusinessContext) => context.loaders.enterprise,
  ),
  code: (parent: EnterpriseParent) => parent.code,
  name: fromRecord((r) => r.tenDoanhNghiep),
  englishName: fromRecord((r) => r.tenTiengAnh),
  type: fromRecord((r) => r.loaiHinh),
  foundedOn: fromRecord((r) => r.ngayThanhLap),
  status: fromRecord((r) => ENTERPRISE_STATUS[r.tinhTrang] ?? r.tinhTrang),
  headOffice: fromRecord((r) => toAddress(r.diaChiTruSo)),
  charterCapital: fromRecord((r) => r.vonDieuLe),
  mainBusinessLine: fromRecord((r) =>
    r.nganhNgheChinh ? { code: r.nganhNgheChinh.ma, name: r.nganhNgheChinh.ten } : null,
  ),
  legalRepresentative: fromRecord((r) =>
    r.nguoiDaiDienPhapLuat ? { id: r.nguoiDaiDienPhapLuat.soDinhDanh } : null,
  ),
  legalRepresentativeTitle: fromRecord((r) => r.nguoiDaiDienPhapLuat?.chucDanh ?? null),
  owners: fromRecord((r) =>
    r.chuSoHuu.map((owner) => ({
      citizen: owner.soDinhDanh ? { id: owner.soDinhDanh } : null,
      enterprise: owner.maSoDoanhNghiep ? { code: owner.maSoDoanhNghiep } : null,
      capitalShare: owner.tyLeVon ?? null,
    })),
  ),
  provenance: provenanceField<EnterpriseParent, DoanhNghiep, BusinessContext>(
    'business',
    (context) => context.loaders.enterprise,
    (parent) => parent.code,
  ),
};
