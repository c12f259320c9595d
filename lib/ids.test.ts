import { describe, expect, it } from 'vitest';
import {
  formatCitizenId,
  isCitizenId,
  isDossierId,
  isEnterpriseCode,
  isLandSerial,
  isResultCode,
  parseCitizenId,
  parseLandSerial,
  TAX_PROVINCE_PREFIXES,
  taxCheckDigit,
} from './ids.ts';

const NOW = new Date('2026-11-21T00:00:00Z');

describe('citizen ids', () => {
  it('parses province, sex, century and birth year', () => {
    expect(parseCitizenId('001089012345', NOW)).toEqual({
      provinceCode: '01',
      sex: 'MALE',
      birthYear: 1989,
      serial: '012345',
    });
    expect(parseCitizenId('079301000001', NOW)).toMatchObject({ sex: 'FEMALE', birthYear: 2001 });
  });

  it('rejects wrong length, letters, unknown provinces and births in the future', () => {
    for (const id of [
      '00108901234',
      '0010890123456',
      '00108901234a',
      '099089012345',
      '100089012345',
      '001230000001',
      '001499000001',
    ]) {
      expect(isCitizenId(id, NOW), id).toBe(false);
    }
  });

  it('round-trips through formatCitizenId', () => {
    const parts = { provinceCode: '92', sex: 'FEMALE', birthYear: 2019, serial: '004213' } as const;
    expect(parseCitizenId(formatCitizenId(parts), NOW)).toEqual(parts);
  });
});

describe('enterprise codes', () => {
  it('accepts real tax codes and branch suffixes', () => {
    expect(isEnterpriseCode('0100109106')).toBe(true);
    expect(isEnterpriseCode('0300588569')).toBe(true);
    expect(isEnterpriseCode('0300588569-001')).toBe(true);
  });

  it('accepts codes of public registrations across the tax province numbers', () => {
    // The first two digits are the tax authority's province number, not the administrative code:
    // 09 Hưng Yên, 14 Đồng Tháp, 18 Cần Thơ, 23 Bắc Ninh, 35 Bà Rịa - Vũng Tàu, 36 Đồng Nai,
    // 37 Bình Dương, 43 Quảng Ngãi, 46 Thái Nguyên, 59 Gia Lai (codes of well-known enterprises
    // registered in those provinces; their check digits hold).
    for (const code of [
      '0900189284',
      '1400112623',
      '1800156801',
      '2300325764',
      '3500102710',
      '3600252847',
      '3700146225',
      '4300378569',
      '4601124536',
      '5900377720',
    ]) {
      expect(isEnterpriseCode(code), code).toBe(true);
    }
    expect(TAX_PROVINCE_PREFIXES['23']).toBe('27'); // Bắc Ninh is 27 among the 63 provinces
    expect(TAX_PROVINCE_PREFIXES['03']).toBe('79'); // Hồ Chí Minh City
  });

  it('rejects a code whose first two digits are no tax province number, even with a valid check digit', () => {
    // 92…, 79… are administrative province codes (Cần Thơ, Hồ Chí Minh City), which no tax code starts with.
    for (const nine of ['926680076', '790000001', '000000001', '650000000', '990000000']) {
      const check = taxCheckDigit(nine);
      if (check === undefined) continue;
      expect(isEnterpriseCode(`${nine}${check}`), nine).toBe(false);
    }
    expect(Object.keys(TAX_PROVINCE_PREFIXES)).toHaveLength(64);
    const provinces = Object.values(TAX_PROVINCE_PREFIXES).filter((p) => p !== null);
    expect(new Set(provinces).size).toBe(63);
  });

  it('rejects a wrong check digit, a 000 branch and other shapes', () => {
    for (const code of ['0100109107', '0300588569-000', '030058856', '0300588569001', '0300588569-01']) {
      expect(isEnterpriseCode(code), code).toBe(false);
    }
  });

  it('never issues a code whose remainder is 0', () => {
    expect(taxCheckDigit('000000000')).toBeUndefined();
  });
});

describe('land certificate serials', () => {
  it('accepts the serial as printed, with a space, and returns it compact', () => {
    expect(parseLandSerial('AI 821557')).toBe('AI821557');
    expect(parseLandSerial('AI821557')).toBe('AI821557');
    expect(isLandSerial('AI 821557')).toBe(false); // keys and records use the compact form only
  });

  it('refuses other spacing, lower case and wrong lengths', () => {
    for (const serial of ['AI  821557', 'ai 821557', 'AI 82155', 'A I821557', 'AI 821557 ', '']) {
      expect(parseLandSerial(serial), serial).toBeUndefined();
    }
  });
});

describe('other identifiers', () => {
  it('validates land serials, result codes and dossier ids', () => {
    expect(isLandSerial('CS123456')).toBe(true);
    expect(isLandSerial('cs123456')).toBe(false);
    expect(isResultCode('KS-92-2025-004213')).toBe(true);
    expect(isResultCode('KS-92-2025-04213')).toBe(false);
    expect(isDossierId('H26.01-251121-0042')).toBe(true);
    expect(isDossierId('x')).toBe(false);
    expect(isDossierId('H26<script>')).toBe(false);
  });
});
