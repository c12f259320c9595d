// Records of the insurance database (CSDL quốc gia về bảo hiểm). Employers are drawn from the
// representatives' enterprises (see enterprises.ts), so every maDonVi is an enterprise that exists,
// was founded by the month the contributions began and has not been dissolved. Everyone with a
// health insurance card has a record (and a social insurance code), contributor or not.
import { enterpriseName, enterpriseStatus } from './business.ts';
import {
  type EnterpriseRef,
  enterprisesOf,
  representativeCandidate,
  representativeGroups,
} from './enterprises.ts';
import { hash, hashChance, Rng } from './hash.ts';
import {
  ageAt,
  dateInYear,
  deathYear,
  decodePerson,
  exists,
  isAlive,
  type Person,
  pad2,
  REFERENCE_YEAR,
} from './person.ts';
import { communeIn, homeProvince, OLD_PROVINCE_CODES, province } from './places.ts';
import { permanentResidence } from './population.ts';

export interface QuaTrinhDong {
  tuThang: string;
  denThang: string | null;
  maDonVi: string | null;
  tenDonVi: string | null;
  mucLuong: number;
  loaiBaoHiem: 'BHXH_BAT_BUOC' | 'BHXH_TU_NGUYEN';
}

export interface ThamGiaBaoHiem {
  maSoBHXH: string;
  soDinhDanh: string;
  trangThaiThamGia: 'DANG_THAM_GIA' | 'DUNG_THAM_GIA';
  quaTrinhDong: QuaTrinhDong[];
  theBHYT: {
    maThe: string;
    noiDangKyKCB: { ma: string; ten: string };
    giaTriTu: string;
    giaTriDen: string;
  } | null;
}

const PARTICIPATION_SHARE = 0.62;
/** Social insurance records were digitised from 1995 on. */
const FIRST_RECORD_YEAR = 1995;
/**
 * Health insurance covered about 94% of the population at the end of 2024 (Bảo hiểm xã hội Việt Nam,
 * báo cáo tổng kết năm 2024). Employees are always covered through their employer; everyone else
 * (children under 6, pupils, pensioners, households, the poor) with this share, which brings the
 * whole population to about 94%.
 */
export const HEALTH_COVERAGE_SHARE = 0.925;
/** Voluntary social insurance (since 2008): about one contributor in ten (≈1.9 of 20 million in 2024). */
const VOLUNTARY_SHARE = 0.1;
const FIRST_VOLUNTARY_YEAR = 2008;

/** Has contributed to social insurance at some time. */
export function contributes(person: Person): boolean {
  return (
    exists(person) &&
    person.birthYear >= 1950 &&
    ageAt(person) >= 18 &&
    hashChance(PARTICIPATION_SHARE, 'bhxh', person.id)
  );
}

/** Holds a health insurance card now (alive, and covered). */
export function hasHealthCard(person: Person): boolean {
  return exists(person) && isAlive(person) && hashChance(HEALTH_COVERAGE_SHARE, 'bhyt', person.id);
}

export const participates = (person: Person): boolean => contributes(person) || hasHealthCard(person);

/** An employer founded by the month `from` (YYYY-MM) and still operating: an enterprise of a sampled representative. */
export function findEmployer(person: Person, from: string, rng: Rng): EnterpriseRef | undefined {
  const year = Number(from.slice(0, 4));
  for (let attempt = 0; attempt < 40; attempt++) {
    const province = rng.chance(0.6) ? person.province : rng.pick(OLD_PROVINCE_CODES);
    const birthYear = rng.between(1945, 1995);
    const candidate = representativeCandidate(
      province,
      birthYear,
      rng.chance(0.7) ? 'MALE' : 'FEMALE',
      rng.int(representativeGroups(birthYear)),
    );
    // The founding date (business.ts: dateInYear(foundingYear, 'founded', code)) compared by month.
    const found = enterprisesOf(candidate).find(
      (ref) =>
        ref.foundingYear <= year &&
        dateInYear(ref.foundingYear, 'founded', ref.code).slice(0, 7) <= from &&
        enterpriseStatus(ref) !== 'GIAI_THE',
    );
    if (found) return found;
  }
  return undefined;
}

const month = (year: number, m: number) => `${year}-${pad2(m)}`;

function contributionHistory(person: Person, ongoing: boolean, rng: Rng): QuaTrinhDong[] {
  const died = deathYear(person);
  const lastYear = died !== undefined ? died - 1 : REFERENCE_YEAR;
  let year = Math.max(FIRST_RECORD_YEAR, person.birthYear + 18 + rng.int(6));
  let m = rng.between(1, 12);
  const periods: QuaTrinhDong[] = [];
  const count = rng.between(1, 4);
  for (let i = 0; i < count && year * 12 + m <= lastYear * 12 + 6; i++) {
    const voluntary = year >= FIRST_VOLUNTARY_YEAR && rng.chance(VOLUNTARY_SHARE);
    const employer = voluntary ? undefined : findEmployer(person, month(year, m), rng);
    const months = rng.between(6, 96);
    const endIndex = year * 12 + m - 1 + months;
    let endYear = Math.floor(endIndex / 12);
    let endMonth = (endIndex % 12) + 1;
    const last = i === count - 1 || endYear > lastYear;
    if (endYear > lastYear || (endYear === REFERENCE_YEAR && endMonth > 6))
      [endYear, endMonth] = [lastYear, 6];
    periods.push({
      tuThang: month(year, m),
      denThang: last && ongoing ? null : month(endYear, endMonth),
      maDonVi: employer?.code ?? null,
      tenDonVi: employer ? enterpriseName(employer).vi : null,
      mucLuong: employer ? salary(year, rng) : declaredIncome(year, rng),
      loaiBaoHiem: employer ? 'BHXH_BAT_BUOC' : 'BHXH_TU_NGUYEN',
    });
    if (last) break;
    year = endMonth === 12 ? endYear + 1 : endYear;
    m = endMonth === 12 ? 1 : endMonth + 1;
  }
  return periods;
}

/**
 * The highest regional minimum monthly wage (vùng I) in force in each year, in VND, from which the
 * series changed: the general minimum wage until 2007 (Decrees 06/1997, 175/1999, 77/2000,
 * 03/2003, 118/2005, 94/2006), then the regional one (Decrees 167/2007, 110/2008, 97/2009,
 * 108/2010, 70/2011, 103/2012, 182/2013, 103/2014, 122/2015, 153/2016, 141/2017, 157/2018,
 * 90/2019, 38/2022 from July 2022, 74/2024 from July 2024, 293/2025 from January 2026).
 */
export const MINIMUM_WAGE_FROM: readonly (readonly [number, number])[] = [
  [1995, 120_000],
  [1997, 144_000],
  [2000, 180_000],
  [2001, 210_000],
  [2003, 290_000],
  [2005, 350_000],
  [2007, 450_000],
  [2008, 620_000],
  [2009, 800_000],
  [2010, 980_000],
  [2011, 1_350_000],
  [2012, 2_000_000],
  [2013, 2_350_000],
  [2014, 2_700_000],
  [2015, 3_100_000],
  [2016, 3_500_000],
  [2017, 3_750_000],
  [2018, 3_980_000],
  [2019, 4_180_000],
  [2020, 4_420_000],
  [2023, 4_680_000],
  [2025, 4_960_000],
  [2026, 5_310_000],
];

/** The regional minimum wage (vùng I) in force during most of `year`. */
export function minimumWage(year: number): number {
  let wage = MINIMUM_WAGE_FROM[0]![1];
  for (const [from, amount] of MINIMUM_WAGE_FROM) if (from <= year) wage = amount;
  return wage;
}

/** Monthly salary on which contributions are based: 1 to 4 times the minimum wage, rounded up to 10,000. */
function salary(year: number, rng: Rng): number {
  return Math.ceil((minimumWage(year) * (1 + rng.next() * 3)) / 10_000) * 10_000;
}

/**
 * Income a voluntary contributor declares: at least the rural poverty line (700,000 VND a month until
 * 2021, 1,500,000 since 2022: Decisions 59/2015/QĐ-TTg and 07/2021/NĐ-CP), up to three times it.
 */
function declaredIncome(year: number, rng: Rng): number {
  const line = year >= 2022 ? 1_500_000 : 700_000;
  return Math.round((line * (1 + rng.next() * 2)) / 10_000) * 10_000;
}

export function thamGiaBaoHiem(id: string): ThamGiaBaoHiem | null {
  const person = decodePerson(id);
  if (!person || !participates(person)) return null;
  const rng = new Rng('insurance', id);
  const dead = deathYear(person) !== undefined;
  const contributor = contributes(person);
  const ongoing = contributor && !dead && ageAt(person) < 62 && rng.chance(0.85);
  const quaTrinhDong = contributor ? contributionHistory(person, ongoing, rng) : [];
  const home = homeProvince(person.province);
  const maSoBHXH = `${home}${String(hash('bhxh-code', id) % 100_000_000).padStart(8, '0')}`;
  const residence = permanentResidence(person).maTinh;
  const clinic = communeIn(residence, rng);
  const employed = ongoing && quaTrinhDong.at(-1)?.maDonVi != null;
  return {
    maSoBHXH,
    soDinhDanh: id,
    trangThaiThamGia: ongoing ? 'DANG_THAM_GIA' : 'DUNG_THAM_GIA',
    quaTrinhDong,
    // An employee's card comes with the job; the others' with the coverage share.
    theBHYT:
      dead || !(employed || hasHealthCard(person))
        ? null
        : {
            maThe: `${cardGroup(person, employed)}${residence}${maSoBHXH}`,
            noiDangKyKCB: rng.chance(0.5)
              ? {
                  ma: `${residence}${String(rng.int(1000)).padStart(3, '0')}`,
                  ten: `Trạm Y tế ${clinic.nameWithType}`,
                }
              : { ma: `${residence}001`, ten: `Bệnh viện Đa khoa ${province(residence).nameWithType}` },
            giaTriTu: `${REFERENCE_YEAR}-01-01`,
            giaTriDen: `${REFERENCE_YEAR}-12-31`,
          },
  };
}

/**
 * The first three characters of a card number: who pays and the benefit level (Quyết định
 * 1666/QĐ-BHXH): DN4 employees, HT3 pensioners, TE1 children under 6, HS4 pupils, GD4 households.
 */
function cardGroup(person: Person, employed: boolean): string {
  const age = ageAt(person);
  if (employed) return 'DN4';
  if (age < 6) return 'TE1';
  if (age < 18) return 'HS4';
  if (age >= 60 && contributes(person)) return 'HT3';
  return 'GD4';
}
