// Citizen as the insurance database knows it: social insurance contributions and the health card.
import { isCitizenId } from '../../../lib/ids.ts';
import { provenanceOf } from '../../common/provenance.ts';
import type { InsuranceContext } from '../context.ts';
import type { ThamGiaBaoHiem } from '../datasources/types.ts';

export interface CitizenParent {
  readonly id: string;
}

export const PARTICIPATION_STATUS: Readonly<Record<string, string>> = {
  DANG_THAM_GIA: 'PARTICIPATING',
  DUNG_THAM_GIA: 'STOPPED',
};
export const INSURANCE_KIND: Readonly<Record<string, string>> = {
  BHXH_BAT_BUOC: 'COMPULSORY',
  BHXH_TU_NGUYEN: 'VOLUNTARY',
};

/** The schema's SocialInsurance from the upstream record. */
export function toSocialInsurance(record: ThamGiaBaoHiem) {
  return {
    code: record.maSoBHXH,
    status: PARTICIPATION_STATUS[record.trangThaiThamGia] ?? 'STOPPED',
    contributionPeriods: record.quaTrinhDong.map((period) => ({
      fromMonth: period.tuThang,
      toMonth: period.denThang,
      employer: period.maDonVi ? { code: period.maDonVi } : null,
      employerName: period.tenDonVi,
      salary: period.mucLuong,
      kind: INSURANCE_KIND[period.loaiBaoHiem] ?? 'COMPULSORY',
    })),
    healthInsuranceCard: record.theBHYT
      ? {
          number: record.theBHYT.maThe,
          registeredFacility: record.theBHYT.noiDangKyKCB
            ? { code: record.theBHYT.noiDangKyKCB.ma, name: record.theBHYT.noiDangKyKCB.ten }
            : null,
          validFrom: record.theBHYT.giaTriTu,
          validTo: record.theBHYT.giaTriDen,
        }
      : null,
  };
}

export const citizenResolvers = {
  __resolveReference: (reference: { id: string }): CitizenParent => ({ id: reference.id }),
  async socialInsurance(parent: CitizenParent, _args: unknown, context: InsuranceContext) {
    // Ids arrive from the gateway; a malformed one cannot be insured and costs no request.
    if (!isCitizenId(parent.id)) return null;
    const loaded = await context.loaders.participationByCitizen.load(parent.id);
    return loaded
      ? { ...toSocialInsurance(loaded.record), provenance: provenanceOf('insurance', loaded) }
      : null;
  },
};
