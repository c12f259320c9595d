// Which citizens represent which enterprises, both ways. About 1% of adults (a residue of the serial)
// are legal representatives of 1–3 enterprises; each enterprise code packs the representative's
// number and the enterprise's index, so `representative(code)` decodes back to exactly one citizen.
// The code starts with the tax province number of the representative's birth province, as a real
// enterprise's starts with that of the tax authority that issued it.
import { TAX_PROVINCE_PREFIXES, taxCheckDigit } from '../../lib/ids.ts';
import { affine, hashChance, hashInt } from './hash.ts';
import {
  COHORT_SERIALS,
  cohortSerials,
  deathYear,
  exists,
  makePerson,
  type Person,
  REFERENCE_YEAR,
} from './person.ts';

const FIRST_YEAR = 1940;
const LAST_YEAR = 2005;
const YEARS = LAST_YEAR - FIRST_YEAR + 1;
const MAX_PER_PERSON = 3;
const SERIAL_GROUP = 100;
const PACKED = YEARS * 2 * MAX_PER_PERSON * (1_000_000 / SERIAL_GROUP);
/** Serial groups that hold citizens in use (the code has room for the whole serial range). */
export const REPRESENTATIVE_GROUPS = COHORT_SERIALS / SERIAL_GROUP;
/** Serial groups that hold citizens in use of a birth year (older ones use fewer serials). */
export const representativeGroups = (birthYear: number): number =>
  Math.ceil(cohortSerials(birthYear) / SERIAL_GROUP);
const scramble = affine(10_000_000, 3_141_593, 2_718_281);
const provinceOfPrefix = new Map<string, string>();
const prefixOfProvince = new Map<string, string>();
for (const [prefix, province] of Object.entries(TAX_PROVINCE_PREFIXES)) {
  if (province === null) continue;
  provinceOfPrefix.set(prefix, province);
  prefixOfProvince.set(province, prefix);
}

/** Each (province, year, sex) has its own serial residue, so representatives are spread out. */
const residue = (province: string, year: number, sex: Person['sex']) =>
  hashInt(SERIAL_GROUP, 'rep-residue', province, year, sex);

export interface EnterpriseRef {
  /** 10-digit enterprise code (no branch suffix). */
  readonly code: string;
  readonly representative: Person;
  /** Index among the representative's enterprises. */
  readonly index: number;
  readonly foundingYear: number;
  /** The 7 packed digits before the check digit, before scrambling (land and results pack it further). */
  readonly packed: number;
}

function isRepresentative(person: Person): boolean {
  return (
    person.birthYear >= FIRST_YEAR &&
    person.birthYear <= LAST_YEAR &&
    person.serial % SERIAL_GROUP === residue(person.province, person.birthYear, person.sex) &&
    exists(person)
  );
}

const countOf = (person: Person): number => {
  const u = hashInt(10, 'enterprise-count', person.id);
  return u < 7 ? 1 : u < 9 ? 2 : 3;
};

/** Years from the representative's birth to the founding; a function of the code's parts except the year. */
export const foundingOffset = (province: string, sex: Person['sex'], group: number, index: number): number =>
  22 + hashInt(30, 'founding', province, sex, group, index);

function refAt(person: Person, index: number): EnterpriseRef | undefined {
  const group = Math.floor(person.serial / SERIAL_GROUP);
  const foundingYear = person.birthYear + foundingOffset(person.province, person.sex, group, index);
  if (foundingYear > REFERENCE_YEAR) return undefined;
  const died = deathYear(person);
  if (died !== undefined && died < foundingYear) return undefined;
  const yearIndex = person.birthYear - FIRST_YEAR;
  const packed =
    ((yearIndex * 2 + (person.sex === 'MALE' ? 0 : 1)) * MAX_PER_PERSON + index) * 10_000 + group;
  const firstNine =
    prefixOfProvince.get(person.province)! + String(scramble.forward(packed)).padStart(7, '0');
  const check = taxCheckDigit(firstNine);
  if (check === undefined) return undefined;
  return { code: `${firstNine}${check}`, representative: person, index, foundingYear, packed };
}

/** Enterprises this citizen is the legal representative of (main codes, in index order). */
export function enterprisesOf(person: Person): EnterpriseRef[] {
  if (!isRepresentative(person)) return [];
  const refs: EnterpriseRef[] = [];
  for (let index = 0; index < countOf(person); index++) {
    const ref = refAt(person, index);
    if (ref) refs.push(ref);
  }
  return refs;
}

/** Decodes a 10-digit code (check digit already valid) to its enterprise, if it exists. */
export function enterpriseRef(code: string): EnterpriseRef | undefined {
  const province = provinceOfPrefix.get(code.slice(0, 2));
  if (province === undefined) return undefined;
  const ref = enterpriseFromPacked(province, scramble.inverse(Number(code.slice(2, 9))));
  return ref?.code === code ? ref : undefined;
}

/** The enterprise whose code packs `packed` under an old province, if it exists. */
export function enterpriseFromPacked(province: string, packed: number): EnterpriseRef | undefined {
  if (packed >= PACKED) return undefined;
  const group = packed % 10_000;
  const rest = Math.floor(packed / 10_000);
  const index = rest % MAX_PER_PERSON;
  const sex = Math.floor(rest / MAX_PER_PERSON) % 2 === 0 ? 'MALE' : 'FEMALE';
  const year = FIRST_YEAR + Math.floor(rest / MAX_PER_PERSON / 2);
  const person = representativeCandidate(province, year, sex, group);
  if (!isRepresentative(person) || index >= countOf(person)) return undefined;
  return refAt(person, index);
}

/** Enterprise from the parts a DN result code carries (see results.ts). */
export function enterpriseFromParts(
  province: string,
  sex: Person['sex'],
  group: number,
  index: number,
  foundingYear: number,
): EnterpriseRef | undefined {
  const year = foundingYear - foundingOffset(province, sex, group, index);
  if (year < FIRST_YEAR || year > LAST_YEAR) return undefined;
  const person = representativeCandidate(province, year, sex, group);
  if (!isRepresentative(person) || index >= countOf(person)) return undefined;
  return refAt(person, index);
}

/** The only citizen of (province, year, sex) in serial group `group` who may represent enterprises. */
export function representativeCandidate(
  province: string,
  year: number,
  sex: Person['sex'],
  group: number,
): Person {
  return makePerson(province, sex, year, group * SERIAL_GROUP + residue(province, year, sex));
}

/** Number of branches (codes -001 … -00n) of an enterprise. */
export const branchCount = (code: string): number =>
  hashChance(0.25, 'branches', code) ? 1 + hashInt(3, 'branch-count', code) : 0;
