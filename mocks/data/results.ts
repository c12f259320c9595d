// Synthetic issued results of the results registry. Every code KIND-PP-YYYY-NNNNNN decodes to its
// subject: PP is today's province of the subject's old province code, YYYY a year from which the
// subject's birth year follows, and NNNNNN a scramble of (old province among PP's, sex, serial group or serial).
// KS birth registrations (1 in 8 citizens), TT residence confirmations (some adults), DN business
// registrations (every enterprise whose legal form's founding procedure the registry lists) and DD
// land certificates (every citizen holder). Procedure codes and names come from the registry.
import { isEnterpriseCode, isResultCode } from '../../lib/ids.ts';
import { enterpriseName } from './business.ts';
import { type EnterpriseRef, enterpriseFromParts, enterpriseRef } from './enterprises.ts';
import { affine, hashInt, pseudoDigest } from './hash.ts';
import { certificateOffset, isCitizenHolder, ownCertificateYear, serialOf } from './landHolders.ts';
import {
  birthDate,
  COHORT_SERIALS,
  dateInYear,
  deathYear,
  decodePerson,
  exists,
  makePerson,
  type Person,
  REFERENCE_DATE,
  REFERENCE_YEAR,
} from './person.ts';
import { homeProvince, indexWithinHome, oldProvinceAt, province } from './places.ts';
import { birthRegistrationPlace, permanentResidence } from './population.ts';
import { FOUNDING_PROCEDURES, RESULT_PROCEDURES } from './procedures.ts';

export interface KetQuaBase {
  maKetQua: string;
  maThuTuc: string;
  tenThuTuc: string;
  trichYeu: string;
  coQuanCap: { ma: string; ten: string; maTinh: string };
  ngayCap: string;
  coGiaTriDen: string | null;
  trangThai: 'CON_HIEU_LUC' | 'HET_HIEU_LUC' | 'DA_THU_HOI' | 'DA_THAY_THE';
  maKetQuaThayThe: string | null;
  doiTuong: { loai: 'CONG_DAN' | 'DOANH_NGHIEP'; ma: string };
  maBamTaiLieu: string;
}

const scramble = affine(1_000_000, 618_033, 271_828);
const pad6 = (n: number) => String(n).padStart(6, '0');
const sexBit = (sex: Person['sex']) => (sex === 'MALE' ? 0 : 1);

/** Packs (old province within its home, sex) and a group number into the 6 digits. */
const pack = (person: Person, groups: number, group: number) =>
  scramble.forward((indexWithinHome(person.province) * 2 + sexBit(person.sex)) * groups + group);

function unpack(home: string, digits: string, groups: number) {
  const x = scramble.inverse(Number(digits));
  const group = x % groups;
  const rest = Math.floor(x / groups);
  const province = oldProvinceAt(home, Math.floor(rest / 2));
  return province === undefined
    ? undefined
    : ({ province, sex: rest % 2 === 0 ? 'MALE' : 'FEMALE', group } as const);
}

// KS: birth registrations, for citizens whose serial falls in the group residue.
const KS_GROUP = 8;
const ksResidue = (p: Person) => hashInt(KS_GROUP, 'ks', p.province, p.birthYear, p.sex);

function hasBirthRegistration(p: Person): boolean {
  return p.serial % KS_GROUP === ksResidue(p) && p.birthYear <= REFERENCE_YEAR && exists(p);
}

const ksCode = (p: Person) =>
  `KS-${homeProvince(p.province)}-${p.birthYear}-${pad6(pack(p, 1_000_000 / KS_GROUP, Math.floor(p.serial / KS_GROUP)))}`;

function birthRegistration(p: Person): KetQuaBase {
  const place = birthRegistrationPlace(p);
  const born = birthDate(p);
  const issued = new Date(`${born}T00:00:00Z`);
  issued.setUTCDate(issued.getUTCDate() + hashInt(20, 'ks-days', p.id));
  const ngayCap =
    issued.getUTCFullYear() === p.birthYear ? issued.toISOString().slice(0, 10) : `${p.birthYear}-12-31`;
  const code = ksCode(p);
  return {
    maKetQua: code,
    ...RESULT_PROCEDURES.KS,
    trichYeu: 'Trích lục khai sinh',
    coQuanCap: { ma: place.maXa, ten: place.chiTiet, maTinh: place.maTinh },
    ngayCap,
    coGiaTriDen: null,
    trangThai: 'CON_HIEU_LUC',
    maKetQuaThayThe: null,
    doiTuong: { loai: 'CONG_DAN', ma: p.id },
    maBamTaiLieu: pseudoDigest('document', code),
  };
}

// TT: residence confirmations, issued 2021 onwards in the home province to adults living there.
const TT_GROUP = 8;
const ttOffset = (province: string, sex: Person['sex'], group: number) =>
  18 + hashInt(43, 'tt-offset', province, sex, group);
const ttResidue = (p: Person) => hashInt(TT_GROUP, 'tt', p.province, p.birthYear, p.sex);

function residenceConfirmationYear(p: Person): number | undefined {
  if (p.serial % TT_GROUP !== ttResidue(p) || deathYear(p) !== undefined || !exists(p)) return undefined;
  const year = p.birthYear + ttOffset(p.province, p.sex, Math.floor(p.serial / TT_GROUP));
  if (year < 2021 || year > REFERENCE_YEAR) return undefined;
  return permanentResidence(p).maTinh === homeProvince(p.province) ? year : undefined;
}

function residenceConfirmation(p: Person, year: number): KetQuaBase {
  const residence = permanentResidence(p);
  const code = `TT-${residence.maTinh}-${year}-${pad6(pack(p, 1_000_000 / TT_GROUP, Math.floor(p.serial / TT_GROUP)))}`;
  const ngayCap = dateInYear(year, 'tt-issued', code);
  const expires = `${year + 1}${ngayCap.slice(4)}`.replace('-02-29', '-02-28');
  return {
    maKetQua: code,
    ...RESULT_PROCEDURES.TT,
    trichYeu: 'Giấy xác nhận thông tin về cư trú',
    coQuanCap: { ma: residence.maXa, ten: `Công an ${residence.tenXa}`, maTinh: residence.maTinh },
    ngayCap,
    coGiaTriDen: expires,
    trangThai: expires < REFERENCE_DATE ? 'HET_HIEU_LUC' : 'CON_HIEU_LUC',
    maKetQuaThayThe: null,
    doiTuong: { loai: 'CONG_DAN', ma: p.id },
    maBamTaiLieu: pseudoDigest('document', code),
  };
}

// DN: the enterprise registration certificate of every enterprise, in the year it was founded.
const dnCode = (ref: EnterpriseRef) => {
  const rep = ref.representative;
  const group = Math.floor(rep.serial / 100);
  return `DN-${homeProvince(rep.province)}-${ref.foundingYear}-${pad6(pack(rep, 30_000, ref.index * 10_000 + group))}`;
};

function businessRegistration(ref: EnterpriseRef): KetQuaBase | undefined {
  const name = enterpriseName(ref);
  const procedure = FOUNDING_PROCEDURES[name.type];
  if (!procedure) return undefined;
  const code = dnCode(ref);
  const home = homeProvince(ref.representative.province);
  const agency = ref.foundingYear >= 2025 ? 'Sở Tài chính' : 'Sở Kế hoạch và Đầu tư';
  return {
    maKetQua: code,
    ...procedure,
    trichYeu: `Giấy chứng nhận đăng ký doanh nghiệp: ${name.vi}`,
    coQuanCap: {
      ma: `${home}-DKKD`,
      ten: `Phòng Đăng ký kinh doanh - ${agency} ${province(home).nameWithType}`,
      maTinh: home,
    },
    ngayCap: dateInYear(ref.foundingYear, 'founded', ref.code),
    coGiaTriDen: null,
    trangThai: 'CON_HIEU_LUC',
    maKetQuaThayThe: null,
    doiTuong: { loai: 'DOANH_NGHIEP', ma: ref.code },
    maBamTaiLieu: pseudoDigest('document', code),
  };
}

// DD: land certificates of citizen holders living in their home province, issued on their own account
// from 1990 (those of the first-issuance drive predate the registry).
function landResultYear(p: Person): number | undefined {
  if (!isCitizenHolder(p) || permanentResidence(p).maTinh !== homeProvince(p.province)) return undefined;
  return ownCertificateYear(p);
}

function landCertificateResult(p: Person, year: number): KetQuaBase {
  const home = homeProvince(p.province);
  const code = `DD-${home}-${year}-${pad6(pack(p, COHORT_SERIALS, p.serial))}`;
  const serial = serialOf({ kind: 'CA_NHAN', person: p });
  const agency = year >= 2025 ? 'Sở Nông nghiệp và Môi trường' : 'Sở Tài nguyên và Môi trường';
  return {
    maKetQua: code,
    ...RESULT_PROCEDURES.DD,
    trichYeu: `Giấy chứng nhận quyền sử dụng đất số ${serial}`,
    coQuanCap: { ma: `${home}-DD`, ten: `${agency} ${province(home).nameWithType}`, maTinh: home },
    ngayCap: dateInYear(year, 'land-issued', serial),
    coGiaTriDen: null,
    trangThai: 'CON_HIEU_LUC',
    maKetQuaThayThe: null,
    doiTuong: { loai: 'CONG_DAN', ma: p.id },
    maBamTaiLieu: pseudoDigest('document', code),
  };
}

/** Synthetic results whose subject is this citizen, oldest kind first. */
export function resultsOfCitizen(id: string): KetQuaBase[] {
  const p = decodePerson(id);
  if (!p || !exists(p)) return [];
  const out: KetQuaBase[] = [];
  if (hasBirthRegistration(p)) out.push(birthRegistration(p));
  const tt = residenceConfirmationYear(p);
  if (tt !== undefined) out.push(residenceConfirmation(p, tt));
  const dd = landResultYear(p);
  if (dd !== undefined) out.push(landCertificateResult(p, dd));
  return out;
}

export function resultsOfEnterprise(code: string): KetQuaBase[] {
  if (!isEnterpriseCode(code) || code.includes('-')) return [];
  const ref = enterpriseRef(code);
  const registration = ref && businessRegistration(ref);
  return registration ? [registration] : [];
}

/** A synthetic result by code, or undefined when no such result was ever issued. */
export function syntheticResult(code: string): KetQuaBase | undefined {
  if (!isResultCode(code)) return undefined;
  const [kind, home, yearText, digits] = code.split('-') as [string, string, string, string];
  const year = Number(yearText);
  if (year < 1900 || year > REFERENCE_YEAR) return undefined;
  let found: KetQuaBase | undefined;
  if (kind === 'KS') {
    const u = unpack(home, digits, 1_000_000 / KS_GROUP);
    if (!u) return undefined;
    const p = makePerson(u.province, u.sex, year, 0);
    const person = makePerson(u.province, u.sex, year, u.group * KS_GROUP + ksResidue(p));
    found = hasBirthRegistration(person) ? birthRegistration(person) : undefined;
  } else if (kind === 'TT') {
    const u = unpack(home, digits, 1_000_000 / TT_GROUP);
    if (!u) return undefined;
    const birthYear = year - ttOffset(u.province, u.sex, u.group);
    if (birthYear < 1900) return undefined;
    const p = makePerson(u.province, u.sex, birthYear, 0);
    const person = makePerson(u.province, u.sex, birthYear, u.group * TT_GROUP + ttResidue(p));
    const issued = residenceConfirmationYear(person);
    found = issued === year ? residenceConfirmation(person, year) : undefined;
  } else if (kind === 'DN') {
    const u = unpack(home, digits, 30_000);
    if (!u) return undefined;
    const ref = enterpriseFromParts(u.province, u.sex, u.group % 10_000, Math.floor(u.group / 10_000), year);
    found = ref ? businessRegistration(ref) : undefined;
  } else if (kind === 'DD') {
    const u = unpack(home, digits, COHORT_SERIALS);
    if (!u) return undefined;
    const birthYear = year - certificateOffset(u.province, u.sex, u.group);
    if (birthYear < 1900) return undefined;
    const person = makePerson(u.province, u.sex, birthYear, u.group);
    found = landResultYear(person) === year ? landCertificateResult(person, year) : undefined;
  }
  return found?.maKetQua === code ? found : undefined;
}
