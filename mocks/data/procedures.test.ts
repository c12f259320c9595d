// Every synthetic result names a procedure of the registry, under its registry name, and the
// procedure matches the kind of result: the mocks cannot contradict the gateway's registry.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { doanhNghiep, theoCaNhan } from './business.ts';
import { resultsOfCitizen, resultsOfEnterprise, syntheticResult } from './results.ts';
import { sampleCitizenIds } from './samples.ts';

const registry = JSON.parse(
  await readFile(new URL('../../schema/procedures.json', import.meta.url), 'utf8'),
) as { code: string; name: string }[];
const nameOf = new Map(registry.map((p) => [p.code, p.name]));

/** The procedure each kind of result is the outcome of, written out here independently of the mocks. */
const KIND_PROCEDURES: Record<string, readonly string[]> = {
  KS: ['1.001193'], // Đăng ký khai sinh → trích lục khai sinh
  TT: ['1.010041'], // Xác nhận thông tin về cư trú → giấy xác nhận (CT07)
  DD: ['1.012798'], // Đăng ký đất đai … lần đầu → Giấy chứng nhận
  DN: ['2.001610', '1.005377'], // founding of a private enterprise or a one-member limited company
};
const FOUNDING_BY_FORM: Record<string, string> = {
  DOANH_NGHIEP_TU_NHAN: '2.001610',
  CONG_TY_TNHH_MTV: '1.005377',
};

const ids = sampleCitizenIds(6000, 'procedures');

describe('results name registry procedures', () => {
  it('every issued result’s procedure exists in the registry, under its name, with a matching kind', () => {
    const seen = new Map<string, number>();
    const check = (result: { maKetQua: string; maThuTuc: string; tenThuTuc: string }) => {
      const kind = result.maKetQua.slice(0, 2);
      expect(KIND_PROCEDURES[kind], result.maKetQua).toContain(result.maThuTuc);
      expect(nameOf.get(result.maThuTuc), result.maThuTuc).toBe(result.tenThuTuc);
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
    };
    for (const id of ids) {
      for (const result of resultsOfCitizen(id)) check(result);
      for (const role of theoCaNhan(id)) {
        for (const result of resultsOfEnterprise(role.maSoDoanhNghiep)) {
          check(result);
          const form = doanhNghiep(role.maSoDoanhNghiep)!.loaiHinh;
          expect(result.maThuTuc).toBe(FOUNDING_BY_FORM[form]);
          expect(syntheticResult(result.maKetQua)).toEqual(result);
        }
      }
    }
    for (const kind of Object.keys(KIND_PROCEDURES)) expect(seen.get(kind) ?? 0, kind).toBeGreaterThan(3);
  });

  it('never issues under a code the registry does not hold', () => {
    for (const codes of Object.values(KIND_PROCEDURES)) {
      for (const code of codes) expect(nameOf.has(code), code).toBe(true);
    }
  });
});
