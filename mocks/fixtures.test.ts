import { describe, expect, it } from 'vitest';
import { isCitizenId, isEnterpriseCode, isLandSerial, isResultCode } from '../lib/ids.ts';
import { doanhNghiep, theoCaNhan } from './data/business.ts';
import { thamGiaBaoHiem } from './data/insurance.ts';
import { giayChungNhan } from './data/land.ts';
import { serialsOfCitizen } from './data/landHolders.ts';
import { decodePerson } from './data/person.ts';
import { congDan, hoGiaDinh } from './data/population.ts';
import { resultsOfCitizen, resultsOfEnterprise, syntheticResult } from './data/results.ts';
import { FIXTURES as F } from './fixtures.ts';

// If one of these fails after a generator change, run mocks/findFixtures.ts and update fixtures.ts.
describe('fixture identifiers', () => {
  it('the family: married, alive, one household of four', () => {
    const husband = congDan(F.husband)!;
    const wife = congDan(F.wife)!;
    expect(husband.trangThai).toBe('CON_SONG');
    expect(wife.trangThai).toBe('CON_SONG');
    expect(husband.gioiTinh).toBe('NAM');
    expect(husband.soDinhDanhVoChong).toBe(F.wife);
    expect(wife.soDinhDanhVoChong).toBe(F.husband);
    for (const child of F.children) {
      const record = congDan(child)!;
      expect(record.soDinhDanhCha).toBe(F.husband);
      expect(record.soDinhDanhMe).toBe(F.wife);
      expect(record.maHoGiaDinh).toBe(F.household);
    }
    expect(husband.maHoGiaDinh).toBe(F.household);
    expect(hoGiaDinh(F.household)).toMatchObject({
      soDinhDanhChuHo: F.husband,
      thanhVien: [
        { soDinhDanh: F.husband, quanHeVoiChuHo: 'CHU_HO' },
        { soDinhDanh: F.wife, quanHeVoiChuHo: 'VO' },
        { soDinhDanh: F.children[0], quanHeVoiChuHo: 'CON' },
        { soDinhDanh: F.children[1], quanHeVoiChuHo: 'CON' },
      ],
    });
  });

  it('the husband represents the enterprise, which operates', () => {
    expect(isEnterpriseCode(F.enterprise)).toBe(true);
    expect(theoCaNhan(F.husband)).toContainEqual({
      maSoDoanhNghiep: F.enterprise,
      vaiTro: 'DAI_DIEN_PHAP_LUAT',
    });
    const enterprise = doanhNghiep(F.enterprise)!;
    expect(enterprise.nguoiDaiDienPhapLuat.soDinhDanh).toBe(F.husband);
    expect(enterprise.tinhTrang).toBe('DANG_HOAT_DONG');
  });

  it('the husband is insured with the employer, which exists', () => {
    const insurance = thamGiaBaoHiem(F.husband)!;
    expect(insurance.trangThaiThamGia).toBe('DANG_THAM_GIA');
    expect(insurance.quaTrinhDong[0]!.maDonVi).toBe(F.employer);
    expect(doanhNghiep(F.employer)).not.toBeNull();
  });

  it('the couple hold the land certificate together', () => {
    expect(isLandSerial(F.landSerial)).toBe(true);
    const holders = giayChungNhan(F.landSerial)!.nguoiSuDung.map((h) => h.soDinhDanh);
    expect(holders).toEqual([F.husband, F.wife]);
    expect(serialsOfCitizen(decodePerson(F.husband)!)).toEqual([F.landSerial]);
    expect(serialsOfCitizen(decodePerson(F.wife)!)).toEqual([F.landSerial]);
  });

  it('the results resolve and are listed under their subjects', () => {
    const birth = syntheticResult(F.birthRegistration)!;
    expect(birth.doiTuong).toEqual({ loai: 'CONG_DAN', ma: F.children[0] });
    expect(birth.coQuanCap.maTinh).toBe('92');
    expect(resultsOfCitizen(F.children[0]).map((r) => r.maKetQua)).toContain(F.birthRegistration);
    expect(resultsOfEnterprise(F.enterprise).map((r) => r.maKetQua)).toEqual([F.businessRegistration]);
    expect(syntheticResult(F.landResult)!.doiTuong).toEqual({ loai: 'CONG_DAN', ma: F.husband });
    expect(isResultCode(F.unissuedResult)).toBe(true);
    expect(syntheticResult(F.unissuedResult)).toBeUndefined();
  });

  it('the deceased, the not-found and the malformed ids', () => {
    expect(congDan(F.deceased)).toMatchObject({ trangThai: 'DA_CHET', ngayMat: expect.any(String) });
    expect(isCitizenId(F.notFound)).toBe(true);
    expect(congDan(F.notFound)).toBeNull();
    expect(isCitizenId(F.malformedCitizenId)).toBe(false);
  });
});
