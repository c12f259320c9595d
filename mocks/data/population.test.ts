import { describe, expect, it } from 'vitest';
import { communesOf, PROVINCES } from '../../lib/adminUnits/index.ts';
import { parseCitizenId } from '../../lib/ids.ts';
import { theoCaNhan } from './business.ts';
import { householdCode } from './family.ts';
import { Rng } from './hash.ts';
import { thamGiaBaoHiem } from './insurance.ts';
import { serialsOfCitizen } from './landHolders.ts';
import { cohortSerials, decodePerson, exists, makePerson, REFERENCE_DATE } from './person.ts';
import { homeProvince } from './places.ts';
import { congDan, hoGiaDinh } from './population.ts';
import { resultsOfCitizen } from './results.ts';
import { sampleCitizenIds } from './samples.ts';

const ids = sampleCitizenIds(4000, 'population');
const records = ids.map((id) => [id, congDan(id)] as const);
const provinceCodes = new Set(PROVINCES.map((p) => p.code));

function expectAddress(address: { maTinh: string; maXa: string; tenXa: string } | null) {
  if (address === null) return;
  expect(provinceCodes.has(address.maTinh)).toBe(true);
  expect(communesOf(address.maTinh).some((c) => c.code === address.maXa && c.name === address.tenXa)).toBe(
    true,
  );
}

/** The family or clan name a full name carries; undefined for highland names without one ("A Sang"). */
function familyPart(name: string): string | undefined {
  const words = name.split(' ');
  if ((words[0] === 'A' || words[0] === 'Y') && words.length === 2) return undefined;
  if (words[0] === 'Y' || words[0]!.startsWith("H'")) return words.at(-1); // Ê Đê: the clan comes last
  return words[0] === 'Rơ' || words[0] === 'Rah' ? words.slice(0, 2).join(' ') : words[0];
}

describe('congDan', () => {
  it('is deterministic', () => {
    for (const id of ids.slice(0, 300)) expect(congDan(id)).toEqual(congDan(id));
  });

  it('leaves a few percent of well-formed ids not found', () => {
    const missing = records.filter(([, r]) => r === null).length / records.length;
    expect(missing).toBeGreaterThan(0.01);
    expect(missing).toBeLessThan(0.06);
  });

  it('finds no one above the serials in use of their birth year, and links no one there', () => {
    const rng = new Rng('above-cohort');
    for (let i = 0; i < 300; i++) {
      const year = rng.between(1900, 2026);
      // Half at the first serial out of use, half anywhere above.
      const serial = cohortSerials(year) + (i % 2 === 0 ? 0 : rng.int(1_000_000 - cohortSerials(year)));
      const person = makePerson(
        rng.pick(['79', '01', '02']),
        rng.chance(0.5) ? 'MALE' : 'FEMALE',
        year,
        serial,
      );
      expect(exists(person)).toBe(false);
      expect(congDan(person.id)).toBeNull();
      expect(serialsOfCitizen(person)).toEqual([]);
      expect(resultsOfCitizen(person.id)).toEqual([]);
      expect(thamGiaBaoHiem(person.id)).toBeNull();
      expect(theoCaNhan(person.id)).toEqual([]);
    }
    // Older birth years use fewer numbers: the population has the census's age pyramid.
    expect(cohortSerials(1950)).toBeLessThan(cohortSerials(1990) / 2);
    const inUse = (id: string) => {
      const person = decodePerson(id)!;
      return person.serial < cohortSerials(person.birthYear);
    };
    let links = 0;
    for (const [, record] of records) {
      if (!record) continue;
      const linked = [record.soDinhDanhCha, record.soDinhDanhMe, record.soDinhDanhVoChong];
      if (record.maHoGiaDinh)
        linked.push(...hoGiaDinh(record.maHoGiaDinh)!.thanhVien.map((m) => m.soDinhDanh));
      for (const id of linked) {
        if (!id) continue;
        links++;
        expect(inUse(id), id).toBe(true);
      }
    }
    expect(links).toBeGreaterThan(4000);
  });

  it('agrees with the id: birth year, sex, birth registration province', () => {
    for (const [id, record] of records) {
      if (!record) continue;
      const parts = parseCitizenId(id, new Date('2399-01-01'))!;
      expect(record.ngaySinh.slice(0, 4)).toBe(String(parts.birthYear));
      expect(record.gioiTinh).toBe(parts.sex === 'MALE' ? 'NAM' : 'NU');
      expect(record.noiDangKyKhaiSinh.maTinh).toBe(homeProvince(parts.provinceCode));
      // Two to five capitalised words: Kinh-style names, and those of groups with their own
      // (Giàng A Páo, Thạch Thị Sô Phi, Y Blong Niê, H'Linh Mlô, Rơ Châm H'Bia).
      expect(record.hoVaTen).toMatch(/^\p{Lu}[\p{L}']*( \p{Lu}[\p{L}']*){1,4}$/u);
      for (const a of [record.noiDangKyKhaiSinh, record.queQuan, record.noiThuongTru, record.noiOHienTai])
        expectAddress(a);
    }
  });

  it('records deaths after births, before the reference date, with no household', () => {
    const dead = records.filter(([, r]) => r?.trangThai === 'DA_CHET').map(([, r]) => r!);
    expect(dead.length).toBeGreaterThan(50);
    const year = (date: string) => Number(date.slice(0, 4));
    for (const r of dead) {
      expect(r.ngayMat! > r.ngaySinh).toBe(true);
      expect(r.ngayMat! < REFERENCE_DATE).toBe(true);
      expect(r.maHoGiaDinh).toBeNull();
      // Only those 65 or over at the reference date have died, never before 50.
      expect(year(REFERENCE_DATE) - year(r.ngaySinh)).toBeGreaterThanOrEqual(65);
      expect(year(r.ngayMat!) - year(r.ngaySinh)).toBeGreaterThanOrEqual(50);
    }
    const alive = records.filter(([, r]) => r?.trangThai === 'CON_SONG');
    for (const [, r] of alive) expect(r!.ngayMat).toBeNull();
  });

  it('is mostly Kinh and mostly without religion, with some of the others', () => {
    const found = records.filter(([, r]) => r).map(([, r]) => r!);
    const kinh = found.filter((r) => r.danToc === 'Kinh').length / found.length;
    const none = found.filter((r) => r.tonGiao === 'Không').length / found.length;
    expect(kinh).toBeGreaterThan(0.75);
    expect(kinh).toBeLessThan(0.98);
    expect(none).toBeGreaterThan(0.7);
    expect(new Set(found.map((r) => r.hoVaTen.split(' ')[0])).size).toBeGreaterThan(15);
  });

  it('links agree both ways: spouse, parents, household', () => {
    for (const [id, r] of records) {
      if (!r) continue;
      if (r.soDinhDanhVoChong) expect(congDan(r.soDinhDanhVoChong)?.soDinhDanhVoChong).toBe(id);
      if (r.soDinhDanhCha) {
        const father = congDan(r.soDinhDanhCha)!;
        expect(father.gioiTinh).toBe('NAM');
        expect(father.soDinhDanhVoChong).toBe(r.soDinhDanhMe);
        const [own, fathers] = [familyPart(r.hoVaTen), familyPart(father.hoVaTen)];
        if (own !== undefined && fathers !== undefined) expect(own).toBe(fathers);
      }
      if (r.maHoGiaDinh) {
        const household = hoGiaDinh(r.maHoGiaDinh)!;
        expect(household.thanhVien.map((m) => m.soDinhDanh)).toContain(id);
        expect(household.diaChi).toEqual(r.noiThuongTru);
        for (const member of household.thanhVien)
          expect(congDan(member.soDinhDanh)?.maHoGiaDinh).toBe(r.maHoGiaDinh);
      }
    }
  });
});

describe('hoGiaDinh', () => {
  it('is null for codes that decode to no household', () => {
    expect(hoGiaDinh('abc')).toBeNull();
    const single = ids.map((id) => decodePerson(id)!).find((p) => p.birthYear > 2020)!;
    expect(hoGiaDinh(householdCode(single))).toBeNull();
  });
});
