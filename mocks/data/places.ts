// Addresses in today's 34 provinces and 3,321 communes. Identification numbers carry the OLD province
// of the birth registration; `homeProvince` maps it to today's through `becamePartOf`.
import {
  type Commune,
  communesOf,
  OLD_PROVINCES,
  PROVINCES,
  type Province,
} from '../../lib/adminUnits/index.ts';
import { type Rng, Weighted } from './hash.ts';

export interface DiaChi {
  readonly maTinh: string;
  readonly tenTinh: string;
  readonly maXa: string;
  readonly tenXa: string;
  readonly chiTiet: string;
}

const provinceByCode = new Map(PROVINCES.map((p) => [p.code, p]));
const communeLists = new Map(PROVINCES.map((p) => [p.code, communesOf(p.code)]));

/** Today's province of an old province: the first it became part of (Tiền Giang split; its first part is kept). */
const homeByOld = new Map(OLD_PROVINCES.map((p) => [p.code, p.becamePartOf[0]!]));

/** Old provinces whose home (as above) is each of today's provinces, in a fixed order. */
const oldByHome = new Map<string, string[]>();
for (const old of OLD_PROVINCES) {
  const home = homeByOld.get(old.code)!;
  const list = oldByHome.get(home) ?? [];
  list.push(old.code);
  oldByHome.set(home, list);
}
for (const list of oldByHome.values()) list.sort();

/** Old province codes in a fixed order, for packing a province into an index. */
export const OLD_PROVINCE_CODES: readonly string[] = OLD_PROVINCES.map((p) => p.code).sort();
export const oldProvinceIndex = new Map(OLD_PROVINCE_CODES.map((code, i) => [code, i]));

/** At most this many old provinces share one home province (packing width for result codes). */
export const MAX_OLD_PER_HOME = Math.max(...[...oldByHome.values()].map((l) => l.length));

export function homeProvince(oldCode: string): string {
  return homeByOld.get(oldCode)!;
}

/** Index of an old province among those sharing its home province. */
export function indexWithinHome(oldCode: string): number {
  return oldByHome.get(homeProvince(oldCode))!.indexOf(oldCode);
}

export function oldProvinceAt(home: string, index: number): string | undefined {
  return oldByHome.get(home)?.[index];
}

export function province(code: string): Province {
  return provinceByCode.get(code)!;
}

export const isProvinceCode = (code: string): boolean => provinceByCode.has(code);

export function communeIn(provinceCode: string, rng: Rng): Commune {
  return rng.pick(communeLists.get(provinceCode)!);
}

const BIG_CITIES = new Weighted([
  ['79', 45],
  ['01', 35],
  ['48', 6],
  ['31', 6],
  ['92', 4],
  ['75', 4],
] as const);

/** Where someone from `home` lives: mostly there, some in the big cities, a few anywhere. */
export function residenceProvince(home: string, rng: Rng): string {
  const u = rng.next();
  if (u < 0.78) return home;
  if (u < 0.93) return BIG_CITIES.pick(rng);
  return rng.pick(PROVINCES).code;
}

const STREETS = [
  'Lê Lợi',
  'Trần Hưng Đạo',
  'Nguyễn Trãi',
  'Hai Bà Trưng',
  'Lý Thường Kiệt',
  'Quang Trung',
  'Hùng Vương',
  'Nguyễn Huệ',
  'Lê Duẩn',
  'Điện Biên Phủ',
  'Võ Thị Sáu',
  '30 Tháng 4',
  'Cách Mạng Tháng 8',
  'Phan Đình Phùng',
  'Nguyễn Văn Cừ',
  'Trường Chinh',
  'Bà Triệu',
  'Lê Thánh Tông',
  'Nguyễn Du',
  'Pasteur',
  'Ngô Quyền',
  'Tôn Đức Thắng',
  'Phạm Văn Đồng',
  'Nguyễn Thị Minh Khai',
  'Hoàng Diệu',
  'Trần Phú',
  'Lạc Long Quân',
] as const;

const HAMLET_WORDS = ['Thôn', 'Ấp', 'Xóm', 'Bản', 'Tổ dân phố'] as const;

function streetDetail(commune: Commune, rng: Rng): string {
  if (commune.type === 'ward' || rng.chance(0.2)) {
    const lane = rng.chance(0.35) ? `, ngõ ${rng.between(1, 250)}` : '';
    return `Số ${rng.between(1, 320)}${lane}, đường ${rng.pick(STREETS)}`;
  }
  const word = rng.pick(HAMLET_WORDS);
  return `${word} ${rng.between(1, 15)}`;
}

export function addressIn(provinceCode: string, rng: Rng): DiaChi {
  const commune = communeIn(provinceCode, rng);
  return toDiaChi(commune, streetDetail(commune, rng));
}

export function toDiaChi(commune: Commune, chiTiet: string): DiaChi {
  return {
    maTinh: commune.provinceCode,
    tenTinh: province(commune.provinceCode).name,
    maXa: commune.code,
    tenXa: commune.name,
    chiTiet,
  };
}
