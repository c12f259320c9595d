import { describe, expect, it } from 'vitest';
import { agencyProvince, isAgencyCode } from './agency.ts';

describe('agency codes', () => {
  it('reads the province of a commune code and of a province unit', () => {
    expect(agencyProvince('31135')).toBe('92');
    expect(agencyProvince('00004')).toBe('01');
    expect(agencyProvince('92-DKKD')).toBe('92');
    expect(agencyProvince('01-STP')).toBe('01');
    expect(agencyProvince('92-UBND-31135')).toBe('92');
  });

  it('refuses unknown communes and provinces, and anything else', () => {
    for (const code of ['99999', '99-STP', '92-', '92-stp', '9-STP', ' 31135', '31135\n', '', 'x'.repeat(40)])
      expect(isAgencyCode(code)).toBe(false);
  });
});
