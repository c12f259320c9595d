import { describe, expect, it } from 'vitest';
import { countPerDay, volumeChartSvg } from './volumeChart.ts';

const LAST = new Date('2026-03-03T10:00:00Z');
const TEXT = { title: 'Lượt truy cập', denied: 'bị từ chối', partial: 'cung cấp một phần' };

describe('countPerDay', () => {
  it('counts per client per Vietnam day, oldest day first, busiest client first', () => {
    const volume = countPerDay(
      [
        { at: '2026-03-03T01:00:00Z', clientId: 'a', outcome: 'ok' },
        // 18:00 UTC on 2 March is already 3 March in Vietnam.
        { at: '2026-03-02T18:00:00Z', clientId: 'b', outcome: 'denied' },
        { at: '2026-03-02T16:00:00Z', clientId: 'b', outcome: 'partial' },
        { at: '2026-02-01T00:00:00Z', clientId: 'a', outcome: 'denied' },
      ],
      LAST,
      2,
    );
    expect(volume.days).toEqual(['2026-03-02', '2026-03-03']);
    expect(volume.series).toEqual([
      { name: 'b', counts: [1, 1] },
      { name: 'a', counts: [0, 1] },
    ]);
    expect(volume.denied).toEqual([0, 1]);
    expect(volume.partial).toEqual([1, 0]);
  });

  it('sums the series beyond the six busiest under the name it is given', () => {
    const events = Array.from({ length: 8 }, (_, i) => ({
      at: LAST.toISOString(),
      clientId: `c${i}`,
      outcome: 'ok' as const,
    }));
    const volume = countPerDay(events, LAST, 1, { otherName: (n) => `khác (${n})` });
    expect(volume.series).toHaveLength(7);
    expect(volume.series.at(-1)).toEqual({ name: 'khác (2)', counts: [2] });
  });

  it('groups by the series the caller names, e.g. an agency name', () => {
    const volume = countPerDay(
      [
        { at: LAST.toISOString(), clientId: 'x.motcua', outcome: 'ok' },
        { at: LAST.toISOString(), clientId: 'y.motcua', outcome: 'ok' },
      ],
      LAST,
      1,
      { seriesOf: () => 'Sở Tư pháp' },
    );
    expect(volume.series).toEqual([{ name: 'Sở Tư pháp', counts: [2] }]);
  });
});

describe('volumeChartSvg', () => {
  it('draws one bar segment per non-zero count, with escaped labels and no style attribute', () => {
    const svg = volumeChartSvg(
      {
        days: ['2026-03-02', '2026-03-03'],
        series: [{ name: '<b>&', counts: [0, 3] }],
        denied: [0, 0],
        partial: [0, 0],
      },
      TEXT,
    ).value;
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(1);
    expect(svg).toContain('&lt;b&gt;&amp;');
    expect(svg).not.toContain('style=');
    expect(svg).toContain('03/03');
  });

  it('marks the days with denied and partial accesses, and only those', () => {
    const svg = volumeChartSvg(
      {
        days: ['2026-03-01', '2026-03-02', '2026-03-03'],
        series: [{ name: 'a', counts: [1, 2, 1] }],
        denied: [0, 2, 0],
        partial: [1, 0, 0],
      },
      TEXT,
    ).value;
    expect(svg.match(/class="mark-denied"/g)).toHaveLength(1);
    expect(svg).toContain('02/03: 2 bị từ chối');
    expect(svg.match(/class="mark-partial"/g)).toHaveLength(1);
    expect(svg).toContain('01/03: 1 cung cấp một phần');
  });
});
