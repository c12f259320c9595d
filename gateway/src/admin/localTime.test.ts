import { describe, expect, it } from 'vitest';
import { daysEnding, shortDay, vietnamDay, vietnamTime } from './localTime.ts';

describe('vietnamTime', () => {
  it('writes UTC+7 as dd/MM/yyyy HH:mm:ss', () => {
    expect(vietnamTime('2026-12-01T05:34:12.677Z')).toBe('01/12/2026 12:34:12');
    // 17:00 UTC on the last day of the year is already New Year in Vietnam.
    expect(vietnamTime(new Date('2026-12-31T17:00:00Z'))).toBe('01/01/2027 00:00:00');
  });

  it('shows an unreadable time as given rather than "Invalid Date"', () => {
    expect(vietnamTime('not a time')).toBe('not a time');
  });
});

describe('Vietnam days', () => {
  it('count the day from midnight in Vietnam', () => {
    expect(vietnamDay(Date.parse('2026-03-02T16:59:59Z'))).toBe('2026-03-02');
    expect(vietnamDay(Date.parse('2026-03-02T17:00:00Z'))).toBe('2026-03-03');
    expect(daysEnding(new Date('2026-03-02T17:30:00Z'), 3)).toEqual([
      '2026-03-01',
      '2026-03-02',
      '2026-03-03',
    ]);
    expect(shortDay('2026-03-09')).toBe('09/03');
  });
});
