// The 2025 merger, province by province: every one of the 63 old provinces maps to the province
// Resolution 202/2025/QH15 merged it into, named here by name, independently of the code table.
import { describe, expect, it } from 'vitest';
import { OLD_PROVINCES } from '../../lib/adminUnits/index.ts';
import { homeProvince, indexWithinHome, MAIN_SUCCESSOR, oldProvinceAt, province } from './places.ts';

/** Old province name → today's province name (Resolution 202/2025/QH15, 12 June 2025). */
const MERGED_INTO: Record<string, string> = {
  'Hà Nội': 'Hà Nội',
  'Cao Bằng': 'Cao Bằng',
  'Hà Giang': 'Tuyên Quang',
  'Tuyên Quang': 'Tuyên Quang',
  'Điện Biên': 'Điện Biên',
  'Lai Châu': 'Lai Châu',
  'Sơn La': 'Sơn La',
  'Lào Cai': 'Lào Cai',
  'Yên Bái': 'Lào Cai',
  'Bắc Kạn': 'Thái Nguyên',
  'Thái Nguyên': 'Thái Nguyên',
  'Lạng Sơn': 'Lạng Sơn',
  'Quảng Ninh': 'Quảng Ninh',
  'Bắc Giang': 'Bắc Ninh',
  'Bắc Ninh': 'Bắc Ninh',
  'Hoà Bình': 'Phú Thọ',
  'Phú Thọ': 'Phú Thọ',
  'Vĩnh Phúc': 'Phú Thọ',
  'Hải Dương': 'Hải Phòng',
  'Hải Phòng': 'Hải Phòng',
  'Hưng Yên': 'Hưng Yên',
  'Thái Bình': 'Hưng Yên',
  'Hà Nam': 'Ninh Bình',
  'Nam Định': 'Ninh Bình',
  'Ninh Bình': 'Ninh Bình',
  'Thanh Hóa': 'Thanh Hóa',
  'Nghệ An': 'Nghệ An',
  'Hà Tĩnh': 'Hà Tĩnh',
  'Quảng Bình': 'Quảng Trị',
  'Quảng Trị': 'Quảng Trị',
  Huế: 'Huế',
  'Đà Nẵng': 'Đà Nẵng',
  'Quảng Nam': 'Đà Nẵng',
  'Quảng Ngãi': 'Quảng Ngãi',
  'Kon Tum': 'Quảng Ngãi',
  'Bình Định': 'Gia Lai',
  'Gia Lai': 'Gia Lai',
  'Khánh Hòa': 'Khánh Hòa',
  'Ninh Thuận': 'Khánh Hòa',
  'Phú Yên': 'Đắk Lắk',
  'Đắk Lắk': 'Đắk Lắk',
  'Bình Thuận': 'Lâm Đồng',
  'Đắk Nông': 'Lâm Đồng',
  'Lâm Đồng': 'Lâm Đồng',
  'Bình Phước': 'Đồng Nai',
  'Đồng Nai': 'Đồng Nai',
  'Bình Dương': 'Hồ Chí Minh',
  'Bà Rịa - Vũng Tàu': 'Hồ Chí Minh',
  'Hồ Chí Minh': 'Hồ Chí Minh',
  'Tây Ninh': 'Tây Ninh',
  'Long An': 'Tây Ninh',
  'Tiền Giang': 'Đồng Tháp',
  'Đồng Tháp': 'Đồng Tháp',
  'Bến Tre': 'Vĩnh Long',
  'Trà Vinh': 'Vĩnh Long',
  'Vĩnh Long': 'Vĩnh Long',
  'An Giang': 'An Giang',
  'Kiên Giang': 'An Giang',
  'Cần Thơ': 'Cần Thơ',
  'Hậu Giang': 'Cần Thơ',
  'Sóc Trăng': 'Cần Thơ',
  'Bạc Liêu': 'Cà Mau',
  'Cà Mau': 'Cà Mau',
};

describe('the 2025 merger', () => {
  it('maps each of the 63 old provinces to the province it merged into', () => {
    expect(OLD_PROVINCES).toHaveLength(63);
    expect(Object.keys(MAIN_SUCCESSOR)).toHaveLength(63);
    for (const old of OLD_PROVINCES) {
      const expected = MERGED_INTO[old.name];
      expect(expected, old.name).toBeDefined();
      expect(province(homeProvince(old.code)).name, old.name).toBe(expected);
      // The main successor is one the unit table lists, never a province it did not touch.
      expect(old.becamePartOf, old.name).toContain(homeProvince(old.code));
    }
  });

  it('sends Tiền Giang to Đồng Tháp, not to the first entry of its list', () => {
    const tienGiang = OLD_PROVINCES.find((p) => p.name === 'Tiền Giang')!;
    expect(tienGiang.becamePartOf[0]).not.toBe(homeProvince(tienGiang.code));
    expect(province(homeProvince(tienGiang.code)).name).toBe('Đồng Tháp');
  });

  it('lands on all 34 provinces, each old province at a stable index within its new one', () => {
    expect(new Set(Object.values(MAIN_SUCCESSOR)).size).toBe(34);
    for (const old of OLD_PROVINCES) {
      expect(oldProvinceAt(homeProvince(old.code), indexWithinHome(old.code))).toBe(old.code);
    }
  });
});
