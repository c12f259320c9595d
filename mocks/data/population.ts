// Records of the population database (CSDL quốc gia về dân cư): CongDan and HoGiaDinh.
import { communesOf } from '../../lib/adminUnits/index.ts';
import { ethnicity, groupFamilyName, ownStyleName, religion } from './ethnicity.ts';
import {
  anchorIdOfHouseholdCode,
  householdAnchor,
  householdCode,
  householdOf,
  lineageRoot,
  parentsOf,
  type Relation,
  spouseOf,
} from './family.ts';
import { Rng } from './hash.ts';
import { familyName, isSouthern, personalName } from './names.ts';
import { birthDate, deathDate, decodePerson, exists, type Person } from './person.ts';
import { addressIn, type DiaChi, homeProvince, residenceProvince, toDiaChi } from './places.ts';

export interface CongDan {
  soDinhDanh: string;
  hoVaTen: string;
  ngaySinh: string;
  gioiTinh: 'NAM' | 'NU';
  trangThai: 'CON_SONG' | 'DA_CHET';
  ngayMat: string | null;
  quocTich: string;
  danToc: string;
  tonGiao: string;
  noiDangKyKhaiSinh: DiaChi;
  queQuan: DiaChi;
  noiThuongTru: DiaChi;
  noiOHienTai: DiaChi | null;
  maHoGiaDinh: string | null;
  soDinhDanhCha: string | null;
  soDinhDanhMe: string | null;
  soDinhDanhVoChong: string | null;
}

export interface HoGiaDinh {
  maHo: string;
  soDinhDanhChuHo: string;
  diaChi: DiaChi;
  thanhVien: { soDinhDanh: string; quanHeVoiChuHo: Relation }[];
}

/** Ethnicity comes down the father's line, from where the line's root was born. */
export function ethnicGroup(person: Person): string {
  const root = lineageRoot(person);
  return ethnicity(new Rng('ethnicity', root.id), root.province);
}

/** Full name: the family name comes down the father's line, in the style of the line's group. */
export function fullName(person: Person): string {
  const root = lineageRoot(person);
  const group = ethnicity(new Rng('ethnicity', root.id), root.province);
  const familyRng = new Rng('family-name', root.id);
  const family =
    groupFamilyName(familyRng, group) ?? familyName(familyRng, isSouthern(homeProvince(root.province)));
  const rng = new Rng('name', person.id);
  return (
    ownStyleName(rng, group, family, person.sex, person.id) ??
    `${family} ${personalName(rng, person.sex, person.birthYear)}`
  );
}

/**
 * Where the birth was registered: the commune where the parents live (Civil Status Law 2014, art. 13:
 * the People's Committee of the commune where the father or mother resides) when they live in the
 * province the identification number names; otherwise a commune of that province, where they lived
 * then.
 */
export function birthRegistrationPlace(person: Person): DiaChi {
  const home = homeProvince(person.province);
  const parents = parentsOf(person);
  const parentsHome = parents && permanentResidence(parents.father);
  const commune =
    parentsHome?.maTinh === home
      ? communesOf(home).find((c) => c.code === parentsHome.maXa)!
      : new Rng('birth-place', person.id).pick(communesOf(home));
  return toDiaChi(commune, `UBND ${commune.nameWithType}`);
}

/** Permanent address of a household, or of someone outside any household. */
export function homeAddress(anchor: Person): DiaChi {
  const rng = new Rng('home', anchor.id);
  return addressIn(residenceProvince(homeProvince(anchor.province), rng), rng);
}

export function permanentResidence(person: Person): DiaChi {
  return homeAddress(householdAnchor(person) ?? person);
}

export function congDan(id: string): CongDan | null {
  const person = decodePerson(id);
  if (!person || !exists(person)) return null;
  const root = lineageRoot(person);
  const rootHome = homeProvince(root.province);
  const died = deathDate(person);
  const anchor = householdAnchor(person);
  const parents = parentsOf(person);
  const spouse = spouseOf(person);
  const residence = permanentResidence(person);
  const rng = new Rng('citizen', id);
  const group = ethnicGroup(person);
  return {
    soDinhDanh: id,
    hoVaTen: fullName(person),
    ngaySinh: birthDate(person),
    gioiTinh: person.sex === 'MALE' ? 'NAM' : 'NU',
    trangThai: died ? 'DA_CHET' : 'CON_SONG',
    ngayMat: died ?? null,
    quocTich: 'Việt Nam',
    danToc: group,
    // Religion is mostly the family's; one person in four has their own.
    tonGiao: religion(new Rng('religion', root.id, rng.int(4) === 0 ? id : ''), root.province, group),
    noiDangKyKhaiSinh: birthRegistrationPlace(person),
    queQuan: addressIn(rootHome, new Rng('hometown', root.id)),
    noiThuongTru: residence,
    noiOHienTai: !died && rng.chance(0.12) ? temporaryResidence(person, residence, rng) : null,
    maHoGiaDinh: anchor ? householdCode(anchor) : null,
    soDinhDanhCha: parents?.father.id ?? null,
    soDinhDanhMe: parents?.mother.id ?? null,
    soDinhDanhVoChong: spouse?.id ?? null,
  };
}

function temporaryResidence(person: Person, permanent: DiaChi, rng: Rng): DiaChi {
  const province = rng.chance(0.6)
    ? permanent.maTinh === '79'
      ? '01'
      : '79'
    : homeProvince(person.province);
  return addressIn(province, rng);
}

export function hoGiaDinh(maHo: string): HoGiaDinh | null {
  const anchorId = anchorIdOfHouseholdCode(maHo);
  const anchor = anchorId === undefined ? undefined : decodePerson(anchorId);
  const household = anchor && householdOf(anchor);
  if (!household) return null;
  return {
    maHo,
    soDinhDanhChuHo: household.head.id,
    diaChi: homeAddress(household.anchor),
    thanhVien: household.members.map((m) => ({ soDinhDanh: m.person.id, quanHeVoiChuHo: m.relation })),
  };
}
