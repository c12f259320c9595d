// Does a generated population look like Viet Nam's? Shares over a few thousand generated citizens,
// each checked against the official figure it imitates, with a tolerance (the generator draws per
// family, so shares wander more than independent draws would).
import { describe, expect, it } from 'vitest';
import { doanhNghiep } from './business.ts';
import { CENSUS_2019_THOUSANDS } from './census.ts';
import { Rng } from './hash.ts';
import { minimumWage, thamGiaBaoHiem } from './insurance.ts';
import { giayChungNhan } from './land.ts';
import { serialsOfCitizen } from './landHolders.ts';
import { cohortSerials, decodePerson, makePerson, REFERENCE_YEAR } from './person.ts';
import { type CongDan, congDan, hoGiaDinh } from './population.ts';
import { sampleCitizenIds } from './samples.ts';

const national = sampleCitizenIds(6000, 'distribution')
  .map((id) => congDan(id))
  .filter((r): r is CongDan => r !== null);

/** `count` citizens whose birth was registered in the old province `province`. */
function citizensOf(province: string, count: number): CongDan[] {
  const rng = new Rng('distribution-province', province);
  const out: CongDan[] = [];
  while (out.length < count) {
    const year = rng.between(1940, 2020);
    const person = makePerson(
      province,
      rng.chance(0.5) ? 'MALE' : 'FEMALE',
      year,
      rng.int(cohortSerials(year)),
    );
    const record = congDan(person.id);
    if (record) out.push(record);
  }
  return out;
}

const share = <T>(list: readonly T[], test: (item: T) => boolean) => list.filter(test).length / list.length;

describe('where people come from', () => {
  it('as many per old province as the 2019 census counted', () => {
    // Census 2019 (Tổng cục Thống kê): Hồ Chí Minh City 8,993,082 and Hà Nội 8,053,663 of 96,208,984
    // (9.35% and 8.37%); Bắc Kạn 313,905 (0.33%).
    const ids = sampleCitizenIds(20_000, 'census');
    const from = (code: string) => share(ids, (id) => id.slice(1, 3) === code);
    expect(from('79')).toBeGreaterThan(0.0935 - 0.012);
    expect(from('79')).toBeLessThan(0.0935 + 0.012);
    expect(from('01')).toBeGreaterThan(0.0837 - 0.012);
    expect(from('01')).toBeLessThan(0.0837 + 0.012);
    expect(from('06')).toBeLessThan(0.008);
    expect(Object.keys(CENSUS_2019_THOUSANDS)).toHaveLength(63);
  });
});

describe('ages', () => {
  it('are shared as at the 2019 census: under 15 24.3%, 15–64 68.0%, 65 and over 7.7%', () => {
    // Census 2019 (Tổng cục Thống kê, "Kết quả toàn bộ Tổng điều tra dân số và nhà ở năm 2019"): 24.3%
    // of the population under 15, 68.0% aged 15–64, 7.7% aged 65 and over (the GSO's 2024 mid-term
    // survey gives 23.3%, 67.4% and 9.3%, down 1.0 and 0.6 points and up 1.6 from 2019). Ages at the
    // reference date, over the living.
    const living = national.filter((r) => r.trangThai === 'CON_SONG');
    expect(living.length).toBeGreaterThan(4500);
    const age = (r: CongDan) => REFERENCE_YEAR - Number(r.ngaySinh.slice(0, 4));
    const children = share(living, (r) => age(r) < 15);
    const working = share(living, (r) => age(r) >= 15 && age(r) < 65);
    const elders = share(living, (r) => age(r) >= 65);
    expect(children).toBeGreaterThan(0.243 - 0.03);
    expect(children).toBeLessThan(0.243 + 0.03);
    expect(working).toBeGreaterThan(0.68 - 0.03);
    expect(working).toBeLessThan(0.68 + 0.03);
    expect(elders).toBeGreaterThan(0.077 - 0.03);
    expect(elders).toBeLessThan(0.077 + 0.03);
    // Were every birth year as large as the largest, 65 and over would be a quarter of the living.
    expect(share(living, (r) => age(r) >= 80)).toBeLessThan(0.04);
  });
});

describe('ethnicity', () => {
  it('is Kinh for about 85% of the country (census 2019: 82,085,826 of 96,208,984, 85.3%)', () => {
    const kinh = share(national, (r) => r.danToc === 'Kinh');
    expect(kinh).toBeGreaterThan(0.853 - 0.04);
    expect(kinh).toBeLessThan(0.853 + 0.04);
    expect(new Set(national.map((r) => r.danToc)).size).toBeGreaterThan(20);
  });

  it('is mostly Thái in Sơn La and mostly Mường in Hòa Bình (census 2019: about 53% and 63%)', () => {
    const sonLa = citizensOf('14', 1500);
    const hoaBinh = citizensOf('17', 1500);
    expect(share(sonLa, (r) => r.danToc === 'Thái')).toBeGreaterThan(0.4);
    expect(share(sonLa, (r) => r.danToc === 'Thái')).toBeLessThan(0.66);
    expect(share(hoaBinh, (r) => r.danToc === 'Mường')).toBeGreaterThan(0.5);
    expect(share(hoaBinh, (r) => r.danToc === 'Mường')).toBeLessThan(0.76);
  });

  it('is mixed in the Central Highlands (census 2019: Kinh about 46% in Kon Tum, 52% in Gia Lai, 65% in Đắk Lắk)', () => {
    const highlands = ['62', '64', '66'].flatMap((p) => citizensOf(p, 700));
    const kinh = share(highlands, (r) => r.danToc === 'Kinh');
    expect(kinh).toBeGreaterThan(0.42);
    expect(kinh).toBeLessThan(0.7);
    expect(new Set(highlands.map((r) => r.danToc)).size).toBeGreaterThanOrEqual(8);
  });

  it('gives minorities names of their own', () => {
    const haGiang = citizensOf('02', 1500).filter((r) => r.danToc === "H'Mông");
    expect(haGiang.length).toBeGreaterThan(200);
    const hmongFamilies = new Set([
      'Giàng',
      'Sùng',
      'Vàng',
      'Lý',
      'Thào',
      'Hầu',
      'Mùa',
      'Vừ',
      'Hạng',
      'Lầu',
      'Cứ',
    ]);
    expect(share(haGiang, (r) => hmongFamilies.has(r.hoVaTen.split(' ')[0]!))).toBe(1);
    const daklak = citizensOf('66', 1500).filter((r) => r.danToc === 'Ê Đê');
    expect(share(daklak, (r) => /^(Y |H')/.test(r.hoVaTen))).toBe(1);
    const travinh = citizensOf('84', 1000).filter((r) => r.danToc === 'Khmer');
    expect(
      share(travinh, (r) =>
        ['Thạch', 'Danh', 'Kim', 'Sơn', 'Lâm', 'Châu', 'Trầm'].includes(r.hoVaTen.split(' ')[0]!),
      ),
    ).toBe(1);
  });
});

describe('religion', () => {
  it('is none for about 86% of the country (census 2019: 86.3% follow no religion)', () => {
    const none = share(national, (r) => r.tonGiao === 'Không');
    expect(none).toBeGreaterThan(0.863 - 0.04);
    expect(none).toBeLessThan(0.863 + 0.04);
  });

  it('is Hòa Hảo in An Giang, Cao Đài in Tây Ninh, Catholic in Nam Định', () => {
    expect(share(citizensOf('89', 1500), (r) => r.tonGiao === 'Phật giáo Hòa Hảo')).toBeGreaterThan(0.2);
    const tayNinh = share(citizensOf('72', 1500), (r) => r.tonGiao === 'Cao Đài');
    expect(tayNinh).toBeGreaterThan(0.15);
    expect(tayNinh).toBeLessThan(0.35);
    const namDinh = share(citizensOf('36', 1500), (r) => r.tonGiao === 'Công giáo');
    expect(namDinh).toBeGreaterThan(0.15);
    expect(namDinh).toBeLessThan(0.35);
    // Hòa Hảo is of the Mekong delta: none in Hà Nội.
    expect(share(citizensOf('01', 1000), (r) => r.tonGiao === 'Phật giáo Hòa Hảo')).toBe(0);
  });
});

describe('insurance', () => {
  const living = national.filter((r) => r.trangThai === 'CON_SONG');
  const records = living.map((r) => thamGiaBaoHiem(r.soDinhDanh));

  it('gives a health insurance card to about 94% of living people (BHXH Việt Nam, coverage at the end of 2024)', () => {
    const covered = share(records, (r) => r?.theBHYT != null);
    expect(covered).toBeGreaterThan(0.94 - 0.02);
    expect(covered).toBeLessThan(0.94 + 0.02);
    // Not only contributors: children under 6 hold TE1 cards.
    const children = living.filter((r) => Number(r.ngaySinh.slice(0, 4)) > REFERENCE_YEAR - 6);
    const childCards = children.map((r) => thamGiaBaoHiem(r.soDinhDanh)?.theBHYT?.maThe.slice(0, 3));
    expect(share(childCards, (c) => c === 'TE1')).toBeGreaterThan(0.9);
  });

  it('records voluntary periods, salaries on the minimum-wage series and employers founded by the month', () => {
    let contributors = 0;
    let voluntary = 0;
    for (const record of records) {
      if (!record || record.quaTrinhDong.length === 0) continue;
      contributors++;
      if (record.quaTrinhDong.some((p) => p.loaiBaoHiem === 'BHXH_TU_NGUYEN')) voluntary++;
      for (const period of record.quaTrinhDong) {
        const year = Number(period.tuThang.slice(0, 4));
        if (period.loaiBaoHiem === 'BHXH_TU_NGUYEN') {
          expect(year).toBeGreaterThanOrEqual(2008); // voluntary social insurance began in 2008
          continue;
        }
        expect(period.mucLuong).toBeGreaterThanOrEqual(minimumWage(year));
        expect(period.mucLuong).toBeLessThanOrEqual(4 * minimumWage(year) + 10_000);
        if (period.maDonVi) {
          expect(doanhNghiep(period.maDonVi)!.ngayThanhLap.slice(0, 7) <= period.tuThang).toBe(true);
        }
      }
    }
    expect(contributors).toBeGreaterThan(1000);
    expect(voluntary / contributors).toBeGreaterThan(0.05);
    expect(voluntary / contributors).toBeLessThan(0.4);
    // Regional minimum wage, zone I: 4,960,000 VND from 1 July 2024 (Decree 74/2024/NĐ-CP), 5,310,000
    // from 1 January 2026 (Decree 293/2025/NĐ-CP).
    expect(minimumWage(2025)).toBe(4_960_000);
    expect(minimumWage(2026)).toBe(5_310_000);
  });
});

describe('marriages', () => {
  it('pair spouses of varied ages and origins (GSO: men marry about three to four years older than women)', () => {
    const gaps: number[] = [];
    let otherProvince = 0;
    for (const r of national) {
      if (r.gioiTinh !== 'NAM' || !r.soDinhDanhVoChong) continue;
      const wife = congDan(r.soDinhDanhVoChong)!;
      gaps.push(Number(wife.ngaySinh.slice(0, 4)) - Number(r.ngaySinh.slice(0, 4)));
      if (wife.soDinhDanh.slice(1, 3) !== r.soDinhDanh.slice(1, 3)) otherProvince++;
    }
    expect(gaps.length).toBeGreaterThan(800);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(2); // husbands about three to four years older on average
    expect(mean).toBeLessThan(5);
    expect(share(gaps, (g) => g < 0)).toBeGreaterThan(0.03); // some wives are older
    expect(share(gaps, (g) => g < 0)).toBeLessThan(0.2);
    expect(new Set(gaps).size).toBeGreaterThan(8);
    expect(otherProvince / gaps.length).toBeGreaterThan(0.15); // not everyone marries within their province
    expect(otherProvince / gaps.length).toBeLessThan(0.45);
  });
});

describe('households', () => {
  const codes = new Set(national.map((r) => r.maHoGiaDinh).filter((c): c is string => c !== null));
  const households = new Map([...codes].map((code) => [code, hoGiaDinh(code)!]));

  it('hold about 3.5 people each (census 2019: 3.5)', () => {
    // Census 2019 (Tổng cục Thống kê, "Kết quả Tổng điều tra dân số và nhà ở năm 2019"): 3.5 people per
    // household. Sampling people reaches a household in proportion to its size, so persons per
    // household is the sampled people in households over the sum of 1/size of their households.
    const reached = national.filter((r) => r.maHoGiaDinh !== null);
    expect(reached.length).toBeGreaterThan(4000);
    const inverseSizes = reached.reduce(
      (sum, r) => sum + 1 / households.get(r.maHoGiaDinh!)!.thanhVien.length,
      0,
    );
    const perHousehold = reached.length / inverseSizes;
    expect(perHousehold).toBeGreaterThan(3.5 - 0.3);
    expect(perHousehold).toBeLessThan(3.5 + 0.3);
    // Few households are one person living alone.
    const alone = reached.reduce(
      (sum, r) => sum + (households.get(r.maHoGiaDinh!)!.thanhVien.length === 1 ? 1 : 0),
      0,
    );
    expect(alone / inverseSizes).toBeLessThan(0.25);
  });

  it('hold up to three generations', () => {
    const list = [...households.values()];
    expect(list.length).toBeGreaterThan(2000);
    const threeGenerations = share(list, (h) => h.thanhVien.some((m) => m.quanHeVoiChuHo === 'CHAU'));
    expect(threeGenerations).toBeGreaterThan(0.08);
    expect(threeGenerations).toBeLessThan(0.4);
    expect(share(list, (h) => h.thanhVien.length >= 5)).toBeGreaterThan(0.05);
    for (const h of list) {
      // A daughter-in-law lives there only with her husband's family: a CON she is married to.
      for (const m of h.thanhVien.filter((x) => x.quanHeVoiChuHo === 'CON_DAU')) {
        const husband = congDan(m.soDinhDanh)!.soDinhDanhVoChong;
        expect(
          husband === null ||
            congDan(husband)!.soDinhDanhCha === h.soDinhDanhChuHo ||
            congDan(husband)!.soDinhDanhMe === h.soDinhDanhChuHo,
        ).toBe(true);
      }
    }
  });

  it('mostly hold a land-use right certificate', () => {
    // Most households hold one: the Ministry of Natural Resources and Environment reported first-time
    // certificates for about 97% of the land area to be certified by 2020 (approximate; the World Bank's
    // completion report on the VILG project, ICR00006432, 2024, gives the same picture). Checked on
    // household anchors aged 25+: a husband, or an adult heading a household alone.
    let anchors = 0;
    let holding = 0;
    for (const r of national) {
      if (r.trangThai !== 'CON_SONG' || r.maHoGiaDinh === null) continue;
      const household = households.get(r.maHoGiaDinh)!;
      if (household.soDinhDanhChuHo !== r.soDinhDanh || REFERENCE_YEAR - Number(r.ngaySinh.slice(0, 4)) < 25)
        continue;
      anchors++;
      if (serialsOfCitizen(decodePerson(r.soDinhDanh)!).length > 0) holding++;
    }
    expect(anchors).toBeGreaterThan(800);
    expect(holding / anchors).toBeGreaterThan(0.7);
    expect(holding / anchors).toBeLessThan(0.95);
  });
});

describe('births and land', () => {
  it('registers a child’s birth in the commune where the parents live, when they live in that province', () => {
    let withParentsHere = 0;
    for (const r of national) {
      if (!r.soDinhDanhCha) continue;
      const father = congDan(r.soDinhDanhCha);
      if (!father || father.noiThuongTru.maTinh !== r.noiDangKyKhaiSinh.maTinh) continue;
      withParentsHere++;
      expect(r.noiDangKyKhaiSinh.maXa).toBe(father.noiThuongTru.maXa);
    }
    expect(withParentsHere).toBeGreaterThan(500);
  });

  it('uses the parcel land types of the 2024 Land Law (LUC, LUK), never the group code LUA', () => {
    const purposes = new Map<string, number>();
    for (const r of national.slice(0, 4000)) {
      for (const serial of serialsOfCitizen(decodePerson(r.soDinhDanh)!)) {
        for (const parcel of giayChungNhan(serial)!.thuaDat) {
          const code = /\((\w+)\)$/.exec(parcel.mucDichSuDung)![1]!;
          purposes.set(code, (purposes.get(code) ?? 0) + 1);
        }
      }
    }
    expect(purposes.has('LUA')).toBe(false);
    expect(purposes.get('LUC')).toBeGreaterThan(0);
    expect(purposes.get('LUK')).toBeGreaterThan(0);
  });
});
