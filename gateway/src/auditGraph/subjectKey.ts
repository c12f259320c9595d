// Subjects are stored typed (`Citizen:<id>`, `Enterprise:<code>`, …: see operation/subjects.ts), while
// administrators search by the bare identifier printed on a dossier. The identifier formats do not
// overlap, so the type follows from the format; a typed subject passes as it is.
import { isCitizenId, isEnterpriseCode, isLandSerial, isResultCode } from '../../../lib/ids.ts';

const TYPES: readonly (readonly [string, (value: string) => boolean])[] = [
  ['Citizen', isCitizenId],
  ['Enterprise', isEnterpriseCode],
  ['LandCertificate', isLandSerial],
  ['IssuedResult', isResultCode],
];

export const SUBJECT_FORMAT =
  'a citizen id, enterprise code, land certificate serial or result code, bare or as Type:identifier';

/** The stored form of a subject, or undefined when the value names none. */
export function subjectKey(value: string): string | undefined {
  const trimmed = value.trim();
  const colon = trimmed.indexOf(':');
  if (colon > 0) {
    const type = trimmed.slice(0, colon);
    const check = TYPES.find(([name]) => name === type)?.[1];
    return check?.(trimmed.slice(colon + 1)) ? trimmed : undefined;
  }
  const type = TYPES.find(([, check]) => check(trimmed))?.[0];
  return type ? `${type}:${trimmed}` : undefined;
}
