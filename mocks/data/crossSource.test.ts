// The databases agree with each other, in both directions, over thousands of sampled citizens.
import { describe, expect, it } from 'vitest';
import { isEnterpriseCode, isLandSerial, isResultCode, taxCheckDigit } from '../../lib/ids.ts';
import { doanhNghiep, theoCaNhan } from './business.ts';
import { branchCount } from './enterprises.ts';
import { Rng } from './hash.ts';
import { thamGiaBaoHiem } from './insurance.ts';
import { giayChungNhan } from './land.ts';
import { serialsOfCitizen, serialsOfEnterprise } from './landHolders.ts';
import { decodePerson } from './person.ts';
import { homeProvince } from './places.ts';
import { congDan } from './population.ts';
import { resultsOfCitizen, resultsOfEnterprise, syntheticResult } from './results.ts';
import { sampleCitizenIds } from './samples.ts';

const ids = sampleCitizenIds(8000, 'cross').filter((id) => congDan(id) !== null);

/** Enterprise codes found through sampled representatives. */
const enterpriseCodes = ids.flatMap((id) => theoCaNhan(id).map((r) => r.maSoDoanhNghiep));

describe('business', () => {
  it('representatives and enterprises name each other', () => {
    let representatives = 0;
    for (const id of ids) {
      for (const role of theoCaNhan(id)) {
        const enterprise = doanhNghiep(role.maSoDoanhNghiep);
        expect(enterprise, role.maSoDoanhNghiep).not.toBeNull();
        if (role.vaiTro === 'DAI_DIEN_PHAP_LUAT') {
          representatives++;
          expect(enterprise!.nguoiDaiDienPhapLuat.soDinhDanh).toBe(id);
        } else expect(enterprise!.chuSoHuu.map((o) => o.soDinhDanh)).toContain(id);
      }
    }
    expect(representatives).toBeGreaterThan(20);
  });

  it('every enterprise has a valid code, an existing representative who lists it, and owners who exist', () => {
    expect(enterpriseCodes.length).toBeGreaterThan(40);
    for (const code of enterpriseCodes) {
      expect(isEnterpriseCode(code)).toBe(true);
      const e = doanhNghiep(code)!;
      const rep = congDan(e.nguoiDaiDienPhapLuat.soDinhDanh)!;
      expect(rep).not.toBeNull();
      if (rep.trangThai === 'DA_CHET') expect(e.tinhTrang).toBe('GIAI_THE');
      expect(e.ngayThanhLap > rep.ngaySinh).toBe(true);
      for (const owner of e.chuSoHuu) {
        if (owner.soDinhDanh) {
          expect(congDan(owner.soDinhDanh)).not.toBeNull();
          expect(theoCaNhan(owner.soDinhDanh).map((r) => r.maSoDoanhNghiep)).toContain(code);
        } else expect(doanhNghiep(owner.maSoDoanhNghiep!)).not.toBeNull();
      }
      const branches = branchCount(code);
      for (let n = 1; n <= 3; n++) {
        const branch = doanhNghiep(`${code}-${String(n).padStart(3, '0')}`);
        expect(branch !== null).toBe(n <= branches);
        if (branch) expect(branch.chuSoHuu).toEqual([{ maSoDoanhNghiep: code, tyLeVon: 100 }]);
      }
    }
  });

  it('answers null for well-formed codes that were never issued', () => {
    const rng = new Rng('unissued');
    let found = 0;
    for (let i = 0; i < 2000; i++) {
      const nine = String(rng.int(1_000_000_000)).padStart(9, '0');
      const check = taxCheckDigit(nine);
      if (check === undefined) continue;
      const e = doanhNghiep(`${nine}${check}`);
      if (e) {
        found++;
        expect(e.maSoDoanhNghiep).toBe(`${nine}${check}`);
      }
    }
    expect(found).toBeLessThan(600);
  });
});

describe('insurance', () => {
  it('insures existing citizens with employers that exist, were founded first and still operate', () => {
    let insured = 0;
    for (const id of ids.slice(0, 3000)) {
      const record = thamGiaBaoHiem(id);
      if (!record) continue;
      insured++;
      expect(record.soDinhDanh).toBe(id);
      expect(record.maSoBHXH).toMatch(/^\d{10}$/);
      for (const period of record.quaTrinhDong) {
        if (period.denThang) expect(period.denThang >= period.tuThang).toBe(true);
        if (period.maDonVi === null) continue;
        const employer = doanhNghiep(period.maDonVi)!;
        expect(employer).not.toBeNull();
        expect(employer.tinhTrang).not.toBe('GIAI_THE');
        expect(employer.ngayThanhLap.slice(0, 4) <= period.tuThang.slice(0, 4)).toBe(true);
        expect(period.tenDonVi).toBe(employer.tenDoanhNghiep);
      }
    }
    expect(insured).toBeGreaterThan(1000);
  });
});

describe('land', () => {
  it('certificates and holders name each other; a married holder lists the spouse', () => {
    let certificates = 0;
    for (const id of ids) {
      for (const serial of serialsOfCitizen(decodePerson(id)!)) {
        certificates++;
        expect(isLandSerial(serial)).toBe(true);
        const certificate = giayChungNhan(serial)!;
        const holders = certificate.nguoiSuDung.map((h) => h.soDinhDanh);
        expect(holders).toContain(id);
        const spouse = congDan(id)!.soDinhDanhVoChong;
        if (spouse) expect(holders).toContain(spouse);
        for (const holder of holders) {
          expect(congDan(holder!)).not.toBeNull();
          expect(serialsOfCitizen(decodePerson(holder!)!)).toContain(serial);
        }
      }
    }
    expect(certificates).toBeGreaterThan(100);
  });

  it('any serial that resolves names holders who list that serial, and no one else', () => {
    const rng = new Rng('land-serials');
    let found = 0;
    for (let i = 0; i < 3000; i++) {
      const n = rng.int(676_000_000);
      const serial =
        String.fromCharCode(65 + Math.floor(n / 26_000_000), 65 + (Math.floor(n / 1_000_000) % 26)) +
        String(n % 1_000_000).padStart(6, '0');
      const certificate = giayChungNhan(serial);
      if (!certificate) continue;
      found++;
      expect(certificate.soPhatHanh).toBe(serial);
      for (const holder of certificate.nguoiSuDung) {
        if (holder.loai === 'TO_CHUC') expect(serialsOfEnterprise(holder.maSoDoanhNghiep!)).toEqual([serial]);
        else expect(serialsOfCitizen(decodePerson(holder.soDinhDanh!)!)).toEqual([serial]);
      }
    }
    // Citizens' indices fill 520 of the 676 million serials; those of citizens in use (older birth
    // years use fewer numbers) about 328 million, and about half of these hold (a married woman is
    // listed on her husband's).
    expect(found).toBeGreaterThan(550);
  });

  it('enterprise certificates name the enterprise, which lists them', () => {
    let certificates = 0;
    for (const code of enterpriseCodes) {
      for (const serial of serialsOfEnterprise(code)) {
        certificates++;
        expect(giayChungNhan(serial)!.nguoiSuDung).toEqual([{ loai: 'TO_CHUC', maSoDoanhNghiep: code }]);
      }
    }
    expect(certificates).toBeGreaterThan(3);
  });
});

describe('results', () => {
  it('every listed result resolves by code to the same subject', () => {
    const kinds = new Map<string, number>();
    for (const id of ids) {
      for (const result of resultsOfCitizen(id)) {
        expect(isResultCode(result.maKetQua)).toBe(true);
        expect(syntheticResult(result.maKetQua)).toEqual(result);
        expect(result.doiTuong).toEqual({ loai: 'CONG_DAN', ma: id });
        const kind = result.maKetQua.slice(0, 2);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        if (kind === 'KS') {
          expect(result.coQuanCap.maTinh).toBe(homeProvince(id.slice(1, 3)));
          expect(result.maKetQua.slice(6, 10)).toBe(congDan(id)!.ngaySinh.slice(0, 4));
        }
      }
    }
    expect(kinds.get('KS')).toBeGreaterThan(500);
    expect(kinds.get('TT')).toBeGreaterThan(5);
    expect(kinds.get('DD')).toBeGreaterThan(20);
    let registrations = 0;
    for (const code of enterpriseCodes) {
      const [dn] = resultsOfEnterprise(code);
      // Only the legal forms whose founding procedure the registry lists have a DN result.
      if (!dn) {
        expect(['CONG_TY_TNHH_2TV', 'CONG_TY_CO_PHAN']).toContain(doanhNghiep(code)!.loaiHinh);
        continue;
      }
      registrations++;
      expect(dn.doiTuong).toEqual({ loai: 'DOANH_NGHIEP', ma: code });
      expect(syntheticResult(dn.maKetQua)).toEqual(dn);
    }
    expect(registrations).toBeGreaterThan(8);
  });

  it('codes that were never issued resolve to nothing', () => {
    const rng = new Rng('unissued-results');
    let found = 0;
    for (let i = 0; i < 3000; i++) {
      const code = `${rng.pick(['KS', 'TT', 'DN', 'DD', 'KQ'])}-${rng.pick(['01', '79', '92'])}-${rng.between(1950, 2026)}-${String(rng.int(1_000_000)).padStart(6, '0')}`;
      const result = syntheticResult(code);
      if (result) {
        found++;
        expect(result.maKetQua).toBe(code);
      }
    }
    expect(found).toBeLessThan(3000);
  });
});
