// Records of the insurance database (CSDL quốc gia về bảo hiểm). Employers are drawn from the
// representatives' enterprises (see enterprises.ts), so every maDonVi is an enterprise that exists,
// was founded before the contributions began and has not been dissolved.
import { enterpriseName, enterpriseStatus } from './business.ts';
import { type EnterpriseRef, enterprisesOf, representativeCandidate } from './enterprises.ts';
import { hash, hashChance, Rng } from './hash.ts';
import { ageAt, deathYear, decodePerson, exists, type Person, pad2, REFERENCE_YEAR } from './person.ts';
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

export function participates(person: Person): boolean {
  return (
    exists(person) &&
    person.birthYear >= 1950 &&
    ageAt(person) >= 18 &&
    hashChance(PARTICIPATION_SHARE, 'bhxh', person.id)
  );
}

/** An employer founded by `year` and still operating: an enterprise of a sampled representative. */
export function findEmployer(person: Person, year: number, rng: Rng): EnterpriseRef | undefined {
  for (let attempt = 0; attempt < 40; attempt++) {
    const province = rng.chance(0.6) ? person.province : rng.pick(OLD_PROVINCE_CODES);
    const candidate = representativeCandidate(
      province,
      rng.between(1945, 1995),
      rng.chance(0.7) ? 'MALE' : 'FEMALE',
      rng.int(10_000),
    );
    const found = enterprisesOf(candidate).find(
      (ref) => ref.foundingYear <= year && enterpriseStatus(ref) !== 'GIAI_THE',
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
    const employer = findEmployer(person, year, rng);
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
      mucLuong: salary(year, rng),
      loaiBaoHiem: employer ? 'BHXH_BAT_BUOC' : 'BHXH_TU_NGUYEN',
    });
    if (last) break;
    year = endMonth === 12 ? endYear + 1 : endYear;
    m = endMonth === 12 ? 1 : endMonth + 1;
  }
  return periods;
}

/** Monthly salary in VND, rounded to 100,000, growing with the year. */
function salary(year: number, rng: Rng): number {
  const base = 1_000_000 + Math.max(0, year - 1995) * 350_000;
  return Math.round((base * (1 + rng.next() * 3)) / 100_000) * 100_000;
}

export function thamGiaBaoHiem(id: string): ThamGiaBaoHiem | null {
  const person = decodePerson(id);
  if (!person || !participates(person)) return null;
  const rng = new Rng('insurance', id);
  const dead = deathYear(person) !== undefined;
  const ongoing = !dead && ageAt(person) < 62 && rng.chance(0.85);
  const quaTrinhDong = contributionHistory(person, ongoing, rng);
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
    theBHYT:
      dead || !rng.chance(0.9)
        ? null
        : {
            maThe: `${employed ? 'DN' : ageAt(person) >= 60 ? 'HT' : 'GD'}${employed ? 4 : 3}${residence}${maSoBHXH}`,
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
