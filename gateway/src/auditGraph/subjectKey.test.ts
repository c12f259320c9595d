import { describe, expect, it } from 'vitest';
import { subjectKey } from './subjectKey.ts';

describe('subjectKey', () => {
  it('types a bare identifier by its format', () => {
    expect(subjectKey('092082022321')).toBe('Citizen:092082022321');
    expect(subjectKey('1876535207')).toBe('Enterprise:1876535207');
    expect(subjectKey('FS536032')).toBe('LandCertificate:FS536032');
    expect(subjectKey(' KS-92-2009-239093 ')).toBe('IssuedResult:KS-92-2009-239093');
  });

  it('keeps a well-typed subject and refuses a mistyped or unknown one', () => {
    expect(subjectKey('Citizen:092082022321')).toBe('Citizen:092082022321');
    expect(subjectKey('Enterprise:092082022321')).toBeUndefined();
    expect(subjectKey('Household:900907686952')).toBeUndefined();
    expect(subjectKey('12345')).toBeUndefined();
    expect(subjectKey("092082022321' OR 1=1")).toBeUndefined();
  });
});
