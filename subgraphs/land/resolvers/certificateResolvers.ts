// LandCertificate: translated field by field from the land record; holders are passed on as
// references to the population and business subgraphs.
import { isLandSerial } from '../../../lib/ids.ts';
import { toAddress } from '../../common/address.ts';
import { provenanceField } from '../../common/provenance.ts';
import { type Loaded, recordOf } from '../../common/recordLoader.ts';
import { hasScopes } from '../../common/scopeGuard.ts';
import type { LandContext } from '../context.ts';
import type { GiayChungNhan } from '../datasources/types.ts';

export interface CertificateParent {
  readonly serial: string;
  readonly loaded?: Loaded<GiayChungNhan> | null;
}

function fromRecord<R>(pick: (record: GiayChungNhan) => R) {
  return async (parent: CertificateParent, _args: unknown, context: LandContext): Promise<R | null> => {
    const record = await recordOf(parent, context.loaders.certificate, parent.serial);
    return record ? pick(record) : null;
  };
}

export function toHolder(holder: GiayChungNhan['nguoiSuDung'][number]) {
  const person = holder.loai === 'CA_NHAN';
  return {
    kind: person ? 'INDIVIDUAL' : 'ORGANIZATION',
    citizen: person && holder.soDinhDanh ? { id: holder.soDinhDanh } : null,
    enterprise: !person && holder.maSoDoanhNghiep ? { code: holder.maSoDoanhNghiep } : null,
  };
}

export function toParcel(parcel: GiayChungNhan['thuaDat'][number]) {
  return {
    parcelNumber: String(parcel.soThua),
    mapSheetNumber: String(parcel.soToBanDo),
    area: parcel.dienTich,
    usePurpose: parcel.mucDichSuDung,
    useTerm: parcel.thoiHanSuDung,
    address: toAddress(parcel.diaChi),
  };
}

export const certificateResolvers = {
  async __resolveReference(
    reference: { serial: string },
    context: LandContext,
  ): Promise<CertificateParent | null> {
    if (!isLandSerial(reference.serial)) return null;
    // Without the scope every field is refused anyway: do not touch the database for it.
    if (!hasScopes(context.scopes, 'land:read')) return { serial: reference.serial };
    const loaded = await context.loaders.certificate.load(reference.serial);
    return loaded ? { serial: reference.serial, loaded } : null;
  },
  serial: (parent: CertificateParent) => parent.serial,
  registryNumber: fromRecord((r) => r.soVaoSo),
  issuedOn: fromRecord((r) => r.ngayCap),
  issuingAuthority: fromRecord((r) => r.coQuanCap),
  holders: fromRecord((r) => r.nguoiSuDung.map(toHolder)),
  parcels: fromRecord((r) => r.thuaDat.map(toParcel)),
  provenance: provenanceField<CertificateParent, GiayChungNhan, LandContext>(
    'land',
    (context) => context.loaders.certificate,
    (parent) => parent.serial,
  ),
};
