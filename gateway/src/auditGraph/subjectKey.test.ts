import { describe, expect, it } from 'vitest';
import { subjectKey } from './subjectKey.ts';

describe('subjectKey', () => {
  it('types a bare identifier by its format', () => {
    expect(subjectKey('092079034591')).toBe('Citizen:092079034591');
    expect(subjectKey('1841878669')).toBe('Enterprise:1841878669');
    expect(subjectKey('WT713876')).toBe('LandCertificate:WT713876');
    expect(subjectKey(' KS-92-2008-678870 ')).toBe('IssuedResult:KS-92-2008-678870');
  });

  it('keeps a well-typed subject and refuses a mistyped or unknown one', () => {
    expect(subjectKey('Citizen:092079034591')).toBe('Citizen:092079034591');
    expect(subjectKey('Enterprise:092079034591')).toBeUndefined();
    expect(subjectKey('Household:000910010742')).toBeUndefined();
    expect(subjectKey('12345')).toBeUndefined();
    expect(subjectKey("092079034591' OR 1=1")).toBeUndefined();
  });
});
