import { describe, expect, it } from 'vitest';
import { subjectKey } from './subjectKey.ts';

describe('subjectKey', () => {
  it('types a bare identifier by its format', () => {
    expect(subjectKey('092082031521')).toBe('Citizen:092082031521');
    expect(subjectKey('9266800762')).toBe('Enterprise:9266800762');
    expect(subjectKey('TR317207')).toBe('LandCertificate:TR317207');
    expect(subjectKey(' KS-92-2009-174393 ')).toBe('IssuedResult:KS-92-2009-174393');
  });

  it('keeps a well-typed subject and refuses a mistyped or unknown one', () => {
    expect(subjectKey('Citizen:092082031521')).toBe('Citizen:092082031521');
    expect(subjectKey('Enterprise:092082031521')).toBeUndefined();
    expect(subjectKey('Household:456463235352')).toBeUndefined();
    expect(subjectKey('12345')).toBeUndefined();
    expect(subjectKey("092082031521' OR 1=1")).toBeUndefined();
  });
});
