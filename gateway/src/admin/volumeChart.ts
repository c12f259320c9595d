// Per-client access volume over time: counts per day (Vietnam time) and a stacked bar chart drawn as
// inline SVG on the server, with presentation attributes only (the CSP allows no inline style).
import type { AuditEvent } from '../audit/types.ts';
import { html, type SafeHtml } from './html.ts';

/** Vietnam has one time zone and no daylight saving: UTC+7 all year. */
export const VIETNAM_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
/** Clients drawn in their own colour; the rest are summed as "other". */
const MAX_SERIES = 6;
const PALETTE = ['#14325c', '#2f7ebc', '#3aa37a', '#d98e04', '#b8436b', '#7a5cb3', '#8a94a3'];

export interface VolumeSeries {
  /** Day labels, YYYY-MM-DD in Vietnam time, oldest first. */
  readonly days: readonly string[];
  /** Client (or "other") → count per day, in `days` order; biggest total first. */
  readonly series: readonly { readonly client: string; readonly counts: readonly number[] }[];
}

export function vietnamDay(at: Date | number): string {
  return new Date(+at + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

export function countByClientAndDay(
  events: Iterable<Pick<AuditEvent, 'at' | 'clientId'>>,
  lastDay: Date,
  dayCount: number,
): VolumeSeries {
  const days = Array.from({ length: dayCount }, (_, i) => vietnamDay(+lastDay - (dayCount - 1 - i) * DAY_MS));
  const index = new Map(days.map((day, i) => [day, i]));
  const perClient = new Map<string, number[]>();
  for (const event of events) {
    const i = index.get(vietnamDay(Date.parse(event.at)));
    if (i === undefined) continue;
    const counts = perClient.get(event.clientId) ?? Array<number>(dayCount).fill(0);
    counts[i]! += 1;
    perClient.set(event.clientId, counts);
  }
  const ranked = [...perClient]
    .map(([client, counts]) => ({ client, counts, total: counts.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.client.localeCompare(b.client));
  const shown = ranked.slice(0, MAX_SERIES);
  const rest = ranked.slice(MAX_SERIES);
  if (rest.length > 0) {
    const counts = days.map((_, i) => rest.reduce((sum, r) => sum + r.counts[i]!, 0));
    shown.push({ client: `other (${rest.length} clients)`, counts, total: 0 });
  }
  return { days, series: shown.map(({ client, counts }) => ({ client, counts })) };
}

export function volumeChartSvg(volume: VolumeSeries): SafeHtml {
  const width = 760;
  const height = 260;
  const left = 44;
  const bottom = 28;
  const top = 12;
  const plotHeight = height - top - bottom;
  const totals = volume.days.map((_, i) => volume.series.reduce((sum, s) => sum + s.counts[i]!, 0));
  const max = Math.max(1, ...totals);
  const slot = (width - left - 8) / Math.max(1, volume.days.length);
  const barWidth = Math.max(2, slot * 0.7);
  const y = (value: number) => top + plotHeight - (value / max) * plotHeight;
  const bars = volume.days.map((day, i) => {
    let base = 0;
    const x = left + i * slot + (slot - barWidth) / 2;
    const parts = volume.series.map((s, k) => {
      const count = s.counts[i]!;
      if (count === 0) return '';
      const rect = html`<rect x="${x.toFixed(1)}" y="${y(base + count).toFixed(1)}" width="${barWidth.toFixed(1)}"
        height="${((count / max) * plotHeight).toFixed(1)}" fill="${PALETTE[k % PALETTE.length]}"><title>${day} · ${s.client}: ${count}</title></rect>`;
      base += count;
      return rect;
    });
    const label =
      i % Math.ceil(volume.days.length / 10) === 0
        ? html`<text x="${(x + barWidth / 2).toFixed(1)}" y="${height - 10}" font-size="11" text-anchor="middle" fill="#4a5566">${day.slice(5)}</text>`
        : '';
    return html`${parts}${label}`;
  });
  const ticks = [0, Math.round(max / 2), max].map(
    (v) =>
      html`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#4a5566">${v}</text>
      <line x1="${left}" x2="${width - 8}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e6ea"/>`,
  );
  const legend = volume.series.map(
    (s, k) =>
      html`<g transform="translate(${left + (k % 3) * 240},${height + 8 + Math.floor(k / 3) * 18})">
        <rect width="12" height="12" fill="${PALETTE[k % PALETTE.length]}"/><text x="18" y="11" font-size="12" fill="#1d2430">${s.client}</text></g>`,
  );
  const legendRows = Math.ceil(volume.series.length / 3);
  return html`<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height + 12 + legendRows * 18}"
    viewBox="0 0 ${width} ${height + 12 + legendRows * 18}" aria-labelledby="volume-title">
    <title id="volume-title">Requests per client per day, ${volume.days[0]} to ${volume.days.at(-1)}</title>
    ${ticks}${bars}${legend}</svg>`;
}
