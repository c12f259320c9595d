// Who holds which land certificate, both ways. A certificate serial is an affine scramble of an index
// that packs its holder: a citizen (household anchor: a husband, whose wife is listed with him, or a
// single adult) or an enterprise, so `holderOfSerial` decodes back to exactly one holder. Every
// citizen born 1940–2005 has a slot of their own (old province × birth year × sex × serial in use:
// 63 × 66 × 2 × 62,500 = 519,750,000 of the 676,000,000 serials), enterprises the slots above.
import { isLandSerial } from '../../lib/ids.ts';
import { type EnterpriseRef, enterpriseFromPacked, enterpriseRef } from './enterprises.ts';
import { spouseOf } from './family.ts';
import { affine, hashChance, hashInt } from './hash.ts';
import { COHORT_SERIALS, exists, makePerson, type Person, REFERENCE_YEAR } from './person.ts';
import { OLD_PROVINCE_CODES, oldProvinceIndex } from './places.ts';

const FIRST_YEAR = 1940;
const LAST_YEAR = 2005;
const YEARS = LAST_YEAR - FIRST_YEAR + 1;
const CITIZEN_SLOTS = OLD_PROVINCE_CODES.length * YEARS * 2 * COHORT_SERIALS;
const ENTERPRISE_BASE = 520_000_000;
const ENTERPRISE_PER_PROVINCE = 1_980_000;
const SERIALS = 676_000_000;
const scramble = affine(SERIALS, 387_420_489, 91_203_877);
/**
 * Land-use right certificates date from the 1987 Land Law (issued from 1990); those who had land
 * before received theirs in the first-issuance drive, which had covered most households by the
 * 2000s.
 */
const FIRST_CERTIFICATE_YEAR = 1990;
const FIRST_ISSUANCE_YEARS = 17;
/** Share of possible holders (adults heading a household or single) who hold a certificate. */
const HOLDER_SHARE = 0.95;

export type LandHolder =
  | { readonly kind: 'CA_NHAN'; readonly person: Person }
  | { readonly kind: 'TO_CHUC'; readonly enterprise: EnterpriseRef };

/**
 * Years from a citizen's birth to their own certificate, when it was issued from 1990 on (20 to 31:
 * on setting up a household); a function of everything the DD result code keeps.
 */
export const certificateOffset = (province: string, sex: Person['sex'], serial: number): number =>
  20 + hashInt(12, 'land-offset', province, sex, serial);

/**
 * The year a citizen's certificate was issued on their own account (birth year + offset), or
 * undefined when they already held land before 1990 and received theirs in the first-issuance drive.
 */
export function ownCertificateYear(p: Person): number | undefined {
  const year = p.birthYear + certificateOffset(p.province, p.sex, p.serial);
  return year >= FIRST_CERTIFICATE_YEAR ? year : undefined;
}

export function certificateYear(holder: LandHolder): number {
  if (holder.kind === 'TO_CHUC')
    return holder.enterprise.foundingYear + 1 + hashInt(5, 'land-year', holder.enterprise.code);
  const p = holder.person;
  return (
    ownCertificateYear(p) ?? FIRST_CERTIFICATE_YEAR + hashInt(FIRST_ISSUANCE_YEARS, 'land-first-issue', p.id)
  );
}

/** Whether this citizen holds a certificate in their own right (a married woman holds through her husband's). */
export function isCitizenHolder(person: Person): boolean {
  if (person.birthYear < FIRST_YEAR || person.birthYear > LAST_YEAR) return false;
  if (!exists(person) || !hashChance(HOLDER_SHARE, 'land-holder', person.id)) return false;
  if (person.sex === 'FEMALE' && spouseOf(person)) return false;
  const year = certificateYear({ kind: 'CA_NHAN', person });
  return year >= FIRST_CERTIFICATE_YEAR && year <= REFERENCE_YEAR;
}

export function isEnterpriseHolder(ref: EnterpriseRef): boolean {
  return (
    ref.packed % 2 === 0 &&
    hashChance(0.35, 'enterprise-land', ref.code) &&
    certificateYear({ kind: 'TO_CHUC', enterprise: ref }) <= REFERENCE_YEAR
  );
}

function serialOfIndex(index: number): string {
  const n = scramble.forward(index);
  const letters = Math.floor(n / 1_000_000);
  return (
    String.fromCharCode(65 + Math.floor(letters / 26), 65 + (letters % 26)) +
    String(n % 1_000_000).padStart(6, '0')
  );
}

export function serialOf(holder: LandHolder): string {
  if (holder.kind === 'TO_CHUC') {
    const province = oldProvinceIndex.get(holder.enterprise.representative.province)!;
    return serialOfIndex(ENTERPRISE_BASE + province * ENTERPRISE_PER_PROVINCE + holder.enterprise.packed / 2);
  }
  const p = holder.person;
  const packed =
    ((oldProvinceIndex.get(p.province)! * YEARS + (p.birthYear - FIRST_YEAR)) * 2 +
      (p.sex === 'MALE' ? 0 : 1)) *
      COHORT_SERIALS +
    p.serial;
  return serialOfIndex(packed);
}

/** The holder a serial decodes to, if that holder exists and holds it. */
export function holderOfSerial(serial: string): LandHolder | undefined {
  if (!isLandSerial(serial)) return undefined;
  const letters = (serial.charCodeAt(0) - 65) * 26 + (serial.charCodeAt(1) - 65);
  const index = scramble.inverse(letters * 1_000_000 + Number(serial.slice(2)));
  if (index < CITIZEN_SLOTS) {
    const serial = index % COHORT_SERIALS;
    let rest = Math.floor(index / COHORT_SERIALS);
    const sex = rest % 2 === 0 ? 'MALE' : 'FEMALE';
    rest = Math.floor(rest / 2);
    const year = FIRST_YEAR + (rest % YEARS);
    const province = OLD_PROVINCE_CODES[Math.floor(rest / YEARS)]!;
    const person = makePerson(province, sex, year, serial);
    return isCitizenHolder(person) ? { kind: 'CA_NHAN', person } : undefined;
  }
  const offset = index - ENTERPRISE_BASE;
  if (offset < 0 || offset >= OLD_PROVINCE_CODES.length * ENTERPRISE_PER_PROVINCE) return undefined;
  const province = OLD_PROVINCE_CODES[Math.floor(offset / ENTERPRISE_PER_PROVINCE)]!;
  const packed = (offset % ENTERPRISE_PER_PROVINCE) * 2;
  const ref = enterpriseFromPacked(province, packed);
  return ref && isEnterpriseHolder(ref) ? { kind: 'TO_CHUC', enterprise: ref } : undefined;
}

/** Certificates listed for a citizen: their own, or (a married woman) her husband's, which lists her. */
export function serialsOfCitizen(person: Person): string[] {
  if (isCitizenHolder(person)) return [serialOf({ kind: 'CA_NHAN', person })];
  if (person.sex === 'FEMALE') {
    const husband = spouseOf(person);
    if (husband && isCitizenHolder(husband)) return [serialOf({ kind: 'CA_NHAN', person: husband })];
  }
  return [];
}

export function serialsOfEnterprise(code: string): string[] {
  const ref = enterpriseRef(code);
  return ref && isEnterpriseHolder(ref) ? [serialOf({ kind: 'TO_CHUC', enterprise: ref })] : [];
}
