// Addresses in today's 34 provinces and 3,321 communes. Identification numbers carry the OLD province
// of the birth registration; `homeProvince` maps it to today's through MAIN_SUCCESSOR.
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

/**
 * Today's province that each of the 63 old provinces merged into (Resolution 202/2025/QH15, in force
 * 1 July 2025), written out rather than taken from the first entry of `becamePartOf`, whose order says
 * nothing about which successor is the main one (Tiền Giang's lists Tây Ninh first, yet Tiền Giang
 * merged into Đồng Tháp).
 */
export const MAIN_SUCCESSOR: Readonly<Record<string, string>> = Object.freeze({
  '01': '01', // Hà Nội
  '02': '08', // Hà Giang → Tuyên Quang
  '04': '04', // Cao Bằng
  '06': '19', // Bắc Kạn → Thái Nguyên
  '08': '08', // Tuyên Quang
  '10': '15', // Lào Cai (old code 10) → Lào Cai (15)
  '11': '11', // Điện Biên
  '12': '12', // Lai Châu
  '14': '14', // Sơn La
  '15': '15', // Yên Bái → Lào Cai
  '17': '25', // Hòa Bình → Phú Thọ
  '19': '19', // Thái Nguyên
  '20': '20', // Lạng Sơn
  '22': '22', // Quảng Ninh
  '24': '24', // Bắc Giang → Bắc Ninh (24)
  '25': '25', // Phú Thọ
  '26': '25', // Vĩnh Phúc → Phú Thọ
  '27': '24', // Bắc Ninh (old code 27) → Bắc Ninh (24)
  '30': '31', // Hải Dương → Hải Phòng
  '31': '31', // Hải Phòng
  '33': '33', // Hưng Yên
  '34': '33', // Thái Bình → Hưng Yên
  '35': '37', // Hà Nam → Ninh Bình
  '36': '37', // Nam Định → Ninh Bình
  '37': '37', // Ninh Bình
  '38': '38', // Thanh Hóa
  '40': '40', // Nghệ An
  '42': '42', // Hà Tĩnh
  '44': '44', // Quảng Bình → Quảng Trị (44)
  '45': '44', // Quảng Trị (old code 45) → Quảng Trị (44)
  '46': '46', // Huế
  '48': '48', // Đà Nẵng
  '49': '48', // Quảng Nam → Đà Nẵng
  '51': '51', // Quảng Ngãi
  '52': '52', // Bình Định → Gia Lai (52)
  '54': '66', // Phú Yên → Đắk Lắk
  '56': '56', // Khánh Hòa
  '58': '56', // Ninh Thuận → Khánh Hòa
  '60': '68', // Bình Thuận → Lâm Đồng
  '62': '51', // Kon Tum → Quảng Ngãi
  '64': '52', // Gia Lai (old code 64) → Gia Lai (52)
  '66': '66', // Đắk Lắk
  '67': '68', // Đắk Nông → Lâm Đồng
  '68': '68', // Lâm Đồng
  '70': '75', // Bình Phước → Đồng Nai
  '72': '80', // Tây Ninh (old code 72) → Tây Ninh (80)
  '74': '79', // Bình Dương → Hồ Chí Minh
  '75': '75', // Đồng Nai
  '77': '79', // Bà Rịa - Vũng Tàu → Hồ Chí Minh
  '79': '79', // Hồ Chí Minh
  '80': '80', // Long An → Tây Ninh (80)
  '82': '82', // Tiền Giang → Đồng Tháp (82)
  '83': '86', // Bến Tre → Vĩnh Long
  '84': '86', // Trà Vinh → Vĩnh Long
  '86': '86', // Vĩnh Long
  '87': '82', // Đồng Tháp (old code 87) → Đồng Tháp (82)
  '89': '91', // An Giang (old code 89) → An Giang (91)
  '91': '91', // Kiên Giang → An Giang (91)
  '92': '92', // Cần Thơ
  '93': '92', // Hậu Giang → Cần Thơ
  '94': '92', // Sóc Trăng → Cần Thơ
  '95': '96', // Bạc Liêu → Cà Mau
  '96': '96', // Cà Mau
});

const homeByOld = new Map(Object.entries(MAIN_SUCCESSOR));

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
