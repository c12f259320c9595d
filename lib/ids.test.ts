import { describe, expect, it } from 'vitest';
import {
  formatCitizenId,
  isCitizenId,
  isDossierId,
  isEnterpriseCode,
  isLandSerial,
  isResultCode,
  parseCitizenId,
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

  it('rejects a wrong check digit, a 000 branch and other shapes', () => {
    for (const code of ['0100109107', '0300588569-000', '030058856', '0300588569001', '0300588569-01']) {
      expect(isEnterpriseCode(code), code).toBe(false);
    }
  });

  it('never issues a code whose remainder is 0', () => {
    expect(taxCheckDigit('000000000')).toBeUndefined();
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
