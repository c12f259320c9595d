// Enterprise: translated field by field from the registry record; people and other enterprises it
// names are passed on as references, loaded only when one of their fields is asked.
import { isEnterpriseCode } from '../../../lib/ids.ts';
import { toAddress } from '../../common/address.ts';
import { provenanceField } from '../../common/provenance.ts';
import { type Loaded, recordOf } from '../../common/recordLoader.ts';
import { hasScopes } from '../../common/scopeGuard.ts';
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
  async __resolveReference(
    reference: { code: string },
    context: BusinessContext,
  ): Promise<EnterpriseParent | null> {
    if (!isEnterpriseCode(reference.code)) return null;
    // Without the scope every field is refused anyway: do not touch the registry for it.
    if (!hasScopes(context.scopes, 'business:read')) return { code: reference.code };
    const loaded = await context.loaders.enterprise.load(reference.code);
    return loaded ? { code: reference.code, loaded } : null;
  },
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
