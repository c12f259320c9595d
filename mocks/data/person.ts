// A citizen as the synthetic data sees one: the parts of the identification number, plus the facts
// that follow from the number alone (whether it exists, birth date, death).
import { type CitizenIdParts, formatCitizenId, parseCitizenId } from '../../lib/ids.ts';
import { hash, hashChance, hashInt } from './hash.ts';

/** The dataset is "as of" this date: ages, statuses and validity are computed against it, never the clock. */
export const REFERENCE_YEAR = 2026;
export const REFERENCE_DATE = '2026-07-01';

/** Share of the numbers in use (serials below `cohortSerials` of the birth year) that are not in the population database. */
export const NOT_FOUND_SHARE = 0.03;

/**
 * Most serials in use per (old province, birth year, sex): 000000–062499, in the largest birth
 * years; older ones use fewer (`cohortSerials`). No real cohort is larger (about two million births a
 * year nationwide at the peak, under a tenth of them in any one province), so the population stays
 * near a real one's size and every citizen fits the land certificate serials; well-formed numbers
 * with a higher serial are not in the database.
 */
export const COHORT_SERIALS = 62_500;

/**
 * By five-year age group at the reference date (0–4, 5–9, …, 95–99, 100 and over): how many were
 * born, relative to the largest group, and the share of them dead by then. The living (born × (1 −
 * dead)) follow the 2019 census pyramid (Tổng cục Thống kê, "Kết quả toàn bộ Tổng điều tra dân số
 * và nhà ở năm 2019": under 15 24.3%, 15–64 68.0%, 65 and over 7.7%), so elders are as few as in
 * Viet Nam, not as many as any other birth year; deaths before 65 are left out.
 */
const AGE_GROUPS: readonly (readonly [born: number, dead: number])[] = [
  [0.97, 0], [1, 0], [0.87, 0], [0.79, 0], [0.81, 0], [0.97, 0], [1, 0], [0.94, 0], [0.87, 0], [0.79, 0],
  [0.71, 0], [0.62, 0], [0.51, 0], [0.44, 0.15], [0.3, 0.25], [0.25, 0.4], [0.2, 0.55], [0.18, 0.72],
  [0.17, 0.88], [0.15, 0.96], [0.15, 0.99],
]; // biome-ignore format: one table

const ageGroup = (birthYear: number) =>
  AGE_GROUPS[Math.min(Math.floor(Math.max(0, REFERENCE_YEAR - birthYear) / 5), AGE_GROUPS.length - 1)]!;

/** People die at 50 or later, and only those 65 or over at the reference date. */
const MIN_DEATH_AGE = 50;

/**
 * Serials in use for a birth year (per old province and sex): 000000 up to this bound, the birth
 * year's share of the largest birth years' COHORT_SERIALS.
 */
export const cohortSerials = (birthYear: number): number =>
  Math.max(1, Math.round(COHORT_SERIALS * ageGroup(birthYear)[0]));

export interface Person {
  readonly id: string;
  /** Old (pre-2025) 2-digit province code of the birth registration. */
  readonly province: string;
  readonly sex: 'MALE' | 'FEMALE';
  readonly birthYear: number;
  readonly serial: number;
}

// Structure only: the HTTP layer rejects births after today with lib/ids.ts; the generator accepts
// any century the sex digit can express.
const FAR_FUTURE = new Date(Date.UTC(2399, 11, 31));

export function decodePerson(id: string): Person | undefined {
  const parts = parseCitizenId(id, FAR_FUTURE);
  if (!parts) return undefined;
  return {
    id,
    province: parts.provinceCode,
    sex: parts.sex,
    birthYear: parts.birthYear,
    serial: Number(parts.serial),
  };
}

export function makePerson(province: string, sex: Person['sex'], birthYear: number, serial: number): Person {
  const parts: CitizenIdParts = { provinceCode: province, sex, birthYear, serial: String(serial) };
  return { id: formatCitizenId(parts), province, sex, birthYear, serial };
}

/** Whether the identification number belongs to someone in the database. */
export function exists(person: Person): boolean {
  return (
    person.birthYear >= 1900 &&
    person.birthYear <= 2399 &&
    person.serial < cohortSerials(person.birthYear) &&
    !hashChance(NOT_FOUND_SHARE, 'nf', person.id)
  );
}

export const ageAt = (person: Person, year = REFERENCE_YEAR): number => year - person.birthYear;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** A date in `year`; births in the reference year fall before the reference date. */
export function dateInYear(year: number, ...seed: readonly (string | number)[]): string {
  const months = year >= REFERENCE_YEAR ? 6 : 12;
  const month = hashInt(months, 'm', ...seed) + 1;
  const day = hashInt(DAYS_IN_MONTH[month - 1]!, 'd', ...seed) + 1;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

export const pad2 = (n: number): string => String(n).padStart(2, '0');

export const birthDate = (person: Person): string => dateInYear(person.birthYear, 'birth', person.id);

/**
 * Death, decided by the number alone. Only people 65 or over at the reference date may have died
 * (the share of their age group), and never before 50: that keeps every child born before its
 * parents' deaths without any cross-record check.
 */
export function deathYear(person: Person): number | undefined {
  const y = person.birthYear;
  if (!hashChance(ageGroup(y)[1], 'dead', person.id)) return undefined;
  return y + MIN_DEATH_AGE + hashInt(REFERENCE_YEAR - 1 - y - MIN_DEATH_AGE + 1, 'death-year', person.id);
}

export function deathDate(person: Person): string | undefined {
  const year = deathYear(person);
  return year === undefined ? undefined : dateInYear(year, 'death', person.id);
}

export const isAlive = (person: Person): boolean => deathYear(person) === undefined;

/** A deterministic "last changed" time before the reference date, for phienBan 1 records. */
export function baseUpdatedAt(...seed: readonly (string | number)[]): string {
  const start = Date.UTC(2025, 0, 1);
  const span = Date.UTC(2026, 5, 30) - start;
  const ms = start + Math.floor((hash('updated', ...seed) / 0x1_0000_0000) * span);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}
