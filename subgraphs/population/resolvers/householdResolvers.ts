// Household: loaded by code when one of its fields is asked.
import { toAddress } from '../../common/address.ts';
import { provenanceField } from '../../common/provenance.ts';
import { recordOf } from '../../common/recordLoader.ts';
import type { PopulationContext } from '../context.ts';
import type { HoGiaDinh } from '../datasources/types.ts';
import { type CitizenParent, citizenRef } from './citizenResolvers.ts';

export interface HouseholdParent {
  readonly code: string;
}

export const HOUSEHOLD_RELATION: Readonly<Record<string, string>> = {
  CHU_HO: 'HEAD',
  VO: 'WIFE',
  CHONG: 'HUSBAND',
  CON: 'CHILD',
  CON_DAU: 'CHILD_IN_LAW',
  CON_RE: 'CHILD_IN_LAW',
  CHAU: 'GRANDCHILD',
};

function fromRecord<R>(pick: (record: HoGiaDinh) => R) {
  return async (parent: HouseholdParent, _args: unknown, context: PopulationContext): Promise<R | null> => {
    const record = await recordOf({}, context.loaders.household, parent.code);
    return record ? pick(record) : null;
  };
}

export const householdResolvers = {
  code: (parent: HouseholdParent) => parent.code,
  head: fromRecord((r) => citizenRef(r.soDinhDanhChuHo)),
  address: fromRecord((r) => toAddress(r.diaChi)),
  members: fromRecord((r) =>
    r.thanhVien.map((member) => ({
      citizen: { id: member.soDinhDanh } satisfies CitizenParent,
      relationToHead: HOUSEHOLD_RELATION[member.quanHeVoiChuHo] ?? 'OTHER',
    })),
  ),
  provenance: provenanceField<HouseholdParent, HoGiaDinh, PopulationContext>(
    'population',
    (context) => context.loaders.household,
    (parent) => parent.code,
  ),
};
