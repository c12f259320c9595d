// A citizen as the synthetic data sees one: the parts of the identification number, plus the facts
// that follow from the number alone (whether it exists, birth date, death).
import { type CitizenIdParts, formatCitizenId, parseCitizenId } from '../../lib/ids.ts';
import { hash, hashChance, hashInt } from './hash.ts';

/** The dataset is "as of" this date: ages, statuses and validity are computed against it, never the clock. */
export const REFERENCE_YEAR = 2026;
export const REFERENCE_DATE = '2026-07-01';

/** Share of the numbers in use (serials below COHORT_SERIALS) that are not in the population database. */
export const NOT_FOUND_SHARE = 0.03;

/**
 * Serials in use per (old province, birth year, sex): 000000–062499. No real cohort is larger (about
 * two million births a year nationwide at the peak, under a tenth of them in any one province), so
 * the population stays near a real one's size and every citizen fits the land certificate serials;
 * well-formed numbers with a higher serial are not in the database.
 */
export const COHORT_SERIALS = 62_500;

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
    person.serial < COHORT_SERIALS &&
    person.birthYear >= 1900 &&
    person.birthYear <= 2399 &&
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
 * Death, decided by the number alone. Only people born by 1960 may have died, and never before 45:
 * that keeps every child born before its parents' deaths without any cross-record check.
 */
export function deathYear(person: Person): number | undefined {
  const y = person.birthYear;
  if (y > 1960) return undefined;
  const share = y <= 1930 ? 0.95 : y <= 1945 ? 0.45 : 0.12;
  if (!hashChance(share, 'dead', person.id)) return undefined;
  return y + 45 + hashInt(REFERENCE_YEAR - 1 - y - 45 + 1, 'death-year', person.id);
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
