import { describe, expect, it } from 'vitest';
import { subjectKey } from './subjectKey.ts';

describe('subjectKey', () => {
  it('types a bare identifier by its format', () => {
    expect(subjectKey('092080033642')).toBe('Citizen:092080033642');
    expect(subjectKey('1814935290')).toBe('Enterprise:1814935290');
    expect(subjectKey('KK794815')).toBe('LandCertificate:KK794815');
    expect(subjectKey(' KS-92-2011-063322 ')).toBe('IssuedResult:KS-92-2011-063322');
  });

  it('keeps a well-typed subject and refuses a mistyped or unknown one', () => {
    expect(subjectKey('Citizen:092080033642')).toBe('Citizen:092080033642');
    expect(subjectKey('Enterprise:092080033642')).toBeUndefined();
    expect(subjectKey('Household:397575900369')).toBeUndefined();
    expect(subjectKey('12345')).toBeUndefined();
    expect(subjectKey("092080033642' OR 1=1")).toBeUndefined();
  });
});
