// Citizen: translated field by field from the population record, so that each field is guarded on
// its own and a reference (father, household member…) is loaded only when one of its fields is asked.
import { isCitizenId } from '../../../lib/ids.ts';
import { toAddress } from '../../common/address.ts';
import { provenanceField } from '../../common/provenance.ts';
import { type Loaded, ownedReference, recordOf } from '../../common/recordLoader.ts';
import type { PopulationContext } from '../context.ts';
import type { CongDan } from '../datasources/types.ts';

/** A citizen as resolvers pass it on: the id, and the record when it is already loaded. */
export interface CitizenParent {
  readonly id: string;
  readonly loaded?: Loaded<CongDan> | null;
}

export const citizenRef = (id: string | null | undefined): CitizenParent | null => (id ? { id } : null);

type Field<R> = (parent: CitizenParent, args: unknown, context: PopulationContext) => Promise<R>;

function fromRecord<R>(pick: (record: CongDan) => R): Field<R | null> {
  return async (parent, _args, context) => {
    const record = await recordOf(parent, context.loaders.citizen, parent.id);
    return record ? pick(record) : null;
  };
}

export const SEX = { NAM: 'MALE', NU: 'FEMALE' } as const;
export const CITIZEN_STATUS = { CON_SONG: 'ALIVE', DA_CHET: 'DECEASED' } as const;

export const citizenResolvers = {
  __resolveReference: ownedReference(
    'id',
    isCitizenId,
    'population:read',
    (context: PopulationContext) => context.loaders.citizen,
  ),
  id: (parent: CitizenParent) => parent.id,
  fullName: fromRecord((r) => r.hoVaTen),
  dateOfBirth: fromRecord((r) => r.ngaySinh),
  sex: fromRecord((r) => SEX[r.gioiTinh]),
  status: fromRecord((r) => CITIZEN_STATUS[r.trangThai]),
  dateOfDeath: fromRecord((r) => r.ngayMat),
  nationality: fromRecord((r) => r.quocTich),
  ethnicity: fromRecord((r) => r.danToc),
  religion: fromRecord((r) => r.tonGiao),
  placeOfBirth: fromRecord((r) => toAddress(r.noiDangKyKhaiSinh)),
  hometown: fromRecord((r) => toAddress(r.queQuan)),
  permanentResidence: fromRecord((r) => toAddress(r.noiThuongTru)),
  temporaryResidence: fromRecord((r) => toAddress(r.noiOHienTai)),
  household: fromRecord((r) => (r.maHoGiaDinh ? { code: r.maHoGiaDinh } : null)),
  father: fromRecord((r) => citizenRef(r.soDinhDanhCha)),
  mother: fromRecord((r) => citizenRef(r.soDinhDanhMe)),
  spouse: fromRecord((r) => citizenRef(r.soDinhDanhVoChong)),
  provenance: provenanceField<CitizenParent, CongDan, PopulationContext>(
    'population',
    (context) => context.loaders.citizen,
    (parent) => parent.id,
  ),
};
