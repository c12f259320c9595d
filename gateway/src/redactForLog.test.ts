import { describe, expect, it } from 'vitest';
import { redactForLog } from './redactForLog.ts';

describe('redactForLog', () => {
  it('hashes citizen ids and hides personal names, keeping the rest readable', () => {
    const line = redactForLog(new Error('holder 092080033642 Nguyễn Văn An of Cần Thơ not loaded'));
    expect(line).not.toMatch(/092080033642|Nguyễn|Văn|Cần Thơ/);
    expect(line).toMatch(/^Error: holder #\S+ \[name\] of \[name\] not loaded$/);
  });

  it('keeps single capitalised words, codes and host names', () => {
    expect(redactForLog('Internal server error: ECONNREFUSED db-land-01.internal')).toBe(
      'Internal server error: ECONNREFUSED db-land-01.internal',
    );
  });

  it('caps the text', () => {
    expect(redactForLog('x'.repeat(1000))).toHaveLength(300);
  });
});
