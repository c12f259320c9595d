// LandCertificate: translated field by field from the land record; holders are passed on as
// references to the population and business subgraphs.
import { isLandSerial } from '../../../lib/ids.ts';
import { toAddress } from '../../common/address.ts';
import { provenanceField } from '../../common/provenance.ts';
import { type Loaded, ownedReference, recordOf } from '../../common/recordLoader.ts';
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
  __resolveReference: ownedReference(
    'serial',
    isLandSerial,
    'land:read',
    (context: LandContext) => context.loaders.certificate,
  ),
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
