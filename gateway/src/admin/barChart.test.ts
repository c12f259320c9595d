import { describe, expect, it } from 'vitest';
import { barChartSvg, rankCounts, shortName } from './barChart.ts';
import { provinceOfSubject } from './provinceOf.ts';

describe('rankCounts', () => {
  it('counts per key, biggest first, and sums what is beyond the eighth', () => {
    const keys = ['a', 'b', 'b', ...Array.from({ length: 9 }, (_, i) => `k${i}`)];
    const bars = rankCounts(
      keys,
      (k) => k.toUpperCase(),
      (n) => `khác (${n})`,
    );
    expect(bars[0]).toEqual({ name: 'B', count: 2, hint: 'b' });
    expect(bars).toHaveLength(9);
    expect(bars.at(-1)).toEqual({ name: 'khác (3)', count: 3 });
  });
});

describe('barChartSvg', () => {
  it('draws one bar per entry with its share, escaped, without style attributes', () => {
    const svg = barChartSvg(
      [
        { name: 'Cần Thơ', count: 3 },
        { name: '<Hà Nội>', count: 1 },
      ],
      { title: 'Tỷ lệ', share: true },
    ).value;
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(2);
    expect(svg).toContain('75% (3)');
    expect(svg).toContain('25% (1)');
    expect(svg).toContain('&lt;Hà Nội&gt;');
    expect(svg).not.toContain('style=');
  });
});

describe('provinceOfSubject', () => {
  it("reads today's province from the birth-registration code of a citizen id", () => {
    expect(provinceOfSubject('Citizen:092082031521')).toBe('Cần Thơ');
    expect(provinceOfSubject('Citizen:001040000001')).toBe('Hà Nội');
    // Sóc Trăng (94) became part of Cần Thơ on 1 July 2025.
    expect(provinceOfSubject('Citizen:094082031521')).toBe('Cần Thơ');
  });

  it('has none for other subjects or a malformed id', () => {
    expect(provinceOfSubject('Enterprise:0100109106')).toBeUndefined();
    expect(provinceOfSubject('Citizen:099089012345')).toBeUndefined();
  });
});

describe('shortName', () => {
  it('cuts a long procedure name but keeps its code', () => {
    const cut = shortName('Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm (1.003005)');
    expect(cut).toMatch(/^Công nhận hộ nghèo.*… \(1\.003005\)$/);
    expect(cut.length).toBeLessThanOrEqual(44);
    expect(shortName('Đăng ký khai sinh (1.001193)')).toBe('Đăng ký khai sinh (1.001193)');
  });
});
