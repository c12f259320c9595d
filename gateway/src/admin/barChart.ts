// Ranked totals as horizontal bars drawn as inline SVG on the server: accesses per client system,
// per procedure, and the share of citizen lookups per province. The name sits above its bar so long
// Vietnamese procedure names fit on a 360-pixel phone.
import { html, type SafeHtml } from './html.ts';
import { PALETTE } from './volumeChart.ts';

export interface Bar {
  readonly name: string;
  readonly count: number;
  /** Shown on hover, e.g. the code behind a name. */
  readonly hint?: string;
}

/** Bars with their own name; the rest summed as one. */
const MAX_BARS = 8;

/** Counts per key, biggest first; keys beyond the eight biggest summed as `otherName(n)`. */
export function rankCounts(
  keys: Iterable<string>,
  nameOf: (key: string) => string,
  otherName: (count: number) => string,
): Bar[] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  const ranked = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key, count]) => ({ name: nameOf(key), count, hint: key }));
  const rest = ranked.slice(MAX_BARS);
  const bars: Bar[] = ranked.slice(0, MAX_BARS);
  if (rest.length > 0)
    bars.push({ name: otherName(rest.length), count: rest.reduce((s, b) => s + b.count, 0) });
  return bars;
}

const WIDTH = 380;
const ROW = 44;
/** Names longer than this are cut, whole on hover: a procedure's full name can run to 200 letters. */
const NAME_MAX = 44;

/** Cuts a long name, keeping a trailing "(code)" so that a cut procedure can still be told apart. */
export function shortName(name: string): string {
  if (name.length <= NAME_MAX) return name;
  const code = / \([^()]+\)$/.exec(name)?.[0] ?? '';
  return `${name.slice(0, NAME_MAX - code.length - 1).trimEnd()}…${code}`;
}

export function barChartSvg(bars: readonly Bar[], options: { title: string; share?: boolean }): SafeHtml {
  const total = bars.reduce((sum, b) => sum + b.count, 0);
  const max = Math.max(1, ...bars.map((b) => b.count));
  const plot = WIDTH - 80;
  const rows = bars.map((bar, i) => {
    const y = i * ROW;
    const width = Math.max(1, (bar.count / max) * plot);
    const value = options.share
      ? `${((bar.count / Math.max(1, total)) * 100).toFixed(1).replace(/\.0$/, '')}% (${bar.count})`
      : String(bar.count);
    return html`<g transform="translate(0,${y})"><title>${bar.hint ?? bar.name}: ${value}</title>
      <text x="0" y="14" font-size="14" fill="#1d2430">${shortName(bar.name)}</text>
      <rect class="bar" x="0" y="20" width="${width.toFixed(1)}" height="16" rx="2" fill="${PALETTE[i % PALETTE.length]}"/>
      <text x="${(width + 6).toFixed(1)}" y="33" font-size="13" fill="#4a5566">${value}</text></g>`;
  });
  const height = Math.max(ROW, bars.length * ROW);
  return html`<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart bars" width="100%" viewBox="0 0 ${WIDTH} ${height}"
    aria-label="${options.title}"><title>${options.title}</title>${rows}</svg>`;
}
