// The province of a looked-up citizen, for the share of lookups per province. A personal
// identification number begins with the code of the province where the birth was registered, in the
// 63-province codes of its time; it is shown as the province that one became part of on 1 July 2025,
// since that is the province an officer knows today.
import { oldProvince, provinceByCodeOrUndefined } from '../../../lib/adminUnits/index.ts';
import { parseCitizenId } from '../../../lib/ids.ts';

/** Today's province name for a `Citizen:<id>` subject; undefined for other subjects. */
export function provinceOfSubject(subject: string): string | undefined {
  if (!subject.startsWith('Citizen:')) return undefined;
  const parts = parseCitizenId(subject.slice('Citizen:'.length));
  if (!parts) return undefined;
  const before = oldProvince(parts.provinceCode);
  if (!before) return undefined;
  // An old province split between several of today's keeps its own name rather than a guess.
  const today =
    before.becamePartOf.length === 1 ? provinceByCodeOrUndefined(before.becamePartOf[0]!) : undefined;
  return (today ?? before).name;
}
