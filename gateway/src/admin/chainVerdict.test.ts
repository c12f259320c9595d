import { describe, expect, it } from 'vitest';
import { chainVerdict, chainVerdictHtml } from './chainVerdict.ts';
import { messages } from './messages.ts';

const vi = messages('vi');
const at = new Date('2026-12-01T05:00:00Z');

describe('chainVerdict', () => {
  it('says "not verified" until a verification ran, with the latest checkpoint when known', () => {
    const verdict = chainVerdict(undefined, { treeSize: 12, at }, vi);
    expect(verdict).toMatchObject({ tone: 'unknown', headline: 'Chưa xác minh' });
    expect(verdict.details).toEqual(['Điểm kiểm tra gần nhất: 12 bản ghi, lúc 01/12/2026 12:00:00.']);
  });

  it('says intact with the counts of the verification', () => {
    const verdict = chainVerdict(
      { at, by: 'thanh-tra.admin', report: { ok: true, records: 40, checkpoints: 3 } },
      undefined,
      vi,
    );
    expect(verdict).toMatchObject({ tone: 'ok', headline: 'Nguyên vẹn' });
    expect(verdict.statement).toBe('Chuỗi nhật ký nguyên vẹn: 40 bản ghi, 3 điểm kiểm tra có chữ ký.');
    expect(verdict.details).toEqual(['Đã kiểm tra 40 bản ghi lúc 01/12/2026 12:00:00, do thanh-tra.admin.']);
  });

  it('names the first record at fault and how, and renders it as an alarm', () => {
    const verdict = chainVerdict(
      {
        at,
        by: 'thanh-tra.admin',
        report: {
          ok: false,
          records: 40,
          checkpoints: 3,
          firstProblem: { seq: 7, kind: 'deleted', detail: 'gap' },
        },
      },
      undefined,
      messages('en'),
    );
    expect(verdict).toMatchObject({ tone: 'bad', statement: 'Chain NOT intact: record 7 was deleted.' });
    expect(chainVerdictHtml(verdict).value).toContain('verdict-bad');
  });
});
