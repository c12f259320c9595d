import { describe, expect, it } from 'vitest';
import { countByClientAndDay, vietnamDay, volumeChartSvg } from './volumeChart.ts';

const LAST = new Date('2026-03-03T10:00:00Z');

describe('countByClientAndDay', () => {
  it('counts per client per Vietnam day, oldest day first, busiest client first', () => {
    const volume = countByClientAndDay(
      [
        { at: '2026-03-03T01:00:00Z', clientId: 'a' },
        // 18:00 UTC on 2 March is already 3 March in Vietnam.
        { at: '2026-03-02T18:00:00Z', clientId: 'b' },
        { at: '2026-03-02T16:00:00Z', clientId: 'b' },
        { at: '2026-02-01T00:00:00Z', clientId: 'a' },
      ],
      LAST,
      2,
    );
    expect(volume.days).toEqual(['2026-03-02', '2026-03-03']);
    expect(volume.series).toEqual([
      { client: 'b', counts: [1, 1] },
      { client: 'a', counts: [0, 1] },
    ]);
    expect(vietnamDay(Date.parse('2026-03-02T17:00:00Z'))).toBe('2026-03-03');
  });

  it('sums the clients beyond the six busiest as "other"', () => {
    const events = Array.from({ length: 8 }, (_, i) => ({ at: LAST.toISOString(), clientId: `c${i}` }));
    const volume = countByClientAndDay(events, LAST, 1);
    expect(volume.series).toHaveLength(7);
    expect(volume.series.at(-1)).toEqual({ client: 'other (2 clients)', counts: [2] });
  });
});

describe('volumeChartSvg', () => {
  it('draws one bar segment per non-zero count, with escaped labels and no style attribute', () => {
    const svg = volumeChartSvg({
      days: ['2026-03-02', '2026-03-03'],
      series: [{ client: '<b>&', counts: [0, 3] }],
    }).value;
    expect(svg.match(/<rect x=/g)).toHaveLength(1);
    expect(svg).toContain('&lt;b&gt;&amp;');
    expect(svg).not.toContain('style=');
  });
});
