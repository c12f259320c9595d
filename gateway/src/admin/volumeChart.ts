// Accesses per day (Vietnam time) as a stacked bar chart drawn as inline SVG on the server, with
// presentation attributes only (the CSP allows no inline style) and no script. One series per client
// system (or agency), the busiest in their own colour and the rest summed; days with denied or
// partial accesses carry a mark above their bar, so a refusal stands out without reading the table.
import type { AuditEvent } from '../audit/types.ts';
import { html, type SafeHtml } from './html.ts';
import { daysEnding, shortDay, vietnamDay } from './localTime.ts';

/** Series drawn in their own colour; the rest are summed as one. */
const MAX_SERIES = 6;
export const PALETTE = ['#14325c', '#2f7ebc', '#2e8b66', '#b06f00', '#b8436b', '#6b4fa8', '#6b7585'];
const DENIED_COLOUR = '#b3261e';
const PARTIAL_COLOUR = '#b06f00';

export interface VolumeSeries {
  /** Day labels, YYYY-MM-DD in Vietnam time, oldest first. */
  readonly days: readonly string[];
  /** Series name → count per day, in `days` order; biggest total first, the summed rest last. */
  readonly series: readonly { readonly name: string; readonly counts: readonly number[] }[];
  /** Denied and partial accesses per day, in `days` order. */
  readonly denied: readonly number[];
  readonly partial: readonly number[];
}

export interface CountOptions {
  /** The series an access belongs to; default its client system. */
  readonly seriesOf?: (event: Pick<AuditEvent, 'clientId'>) => string;
  /** The name of the summed rest, given how many series it sums. */
  readonly otherName?: (count: number) => string;
}

export function countPerDay(
  events: Iterable<Pick<AuditEvent, 'at' | 'clientId' | 'outcome'>>,
  lastDay: Date,
  dayCount: number,
  options: CountOptions = {},
): VolumeSeries {
  const seriesOf = options.seriesOf ?? ((e) => e.clientId);
  const days = daysEnding(lastDay, dayCount);
  const index = new Map(days.map((day, i) => [day, i]));
  const perSeries = new Map<string, number[]>();
  const denied = Array<number>(dayCount).fill(0);
  const partial = Array<number>(dayCount).fill(0);
  for (const event of events) {
    const i = index.get(vietnamDay(Date.parse(event.at)));
    if (i === undefined) continue;
    const name = seriesOf(event);
    const counts = perSeries.get(name) ?? Array<number>(dayCount).fill(0);
    counts[i]! += 1;
    perSeries.set(name, counts);
    if (event.outcome === 'denied') denied[i]! += 1;
    if (event.outcome === 'partial') partial[i]! += 1;
  }
  const ranked = [...perSeries]
    .map(([name, counts]) => ({ name, counts, total: counts.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  const shown = ranked.slice(0, MAX_SERIES);
  const rest = ranked.slice(MAX_SERIES);
  if (rest.length > 0) {
    const counts = days.map((_, i) => rest.reduce((sum, r) => sum + r.counts[i]!, 0));
    const otherName = options.otherName ?? ((n) => `other (${n})`);
    shown.push({ name: otherName(rest.length), counts, total: 0 });
  }
  return { days, series: shown.map(({ name, counts }) => ({ name, counts })), denied, partial };
}

export interface ChartText {
  /** The chart's accessible title. */
  readonly title: string;
  readonly denied: string;
  readonly partial: string;
  /** The drawing's width in its own units (default 760): a narrower one keeps its text legible on a phone. */
  readonly width?: number;
}

const WIDTH = 760;
const HEIGHT = 250;
const LEFT = 40;
const TOP = 22;
const BOTTOM = 26;

function marks(volume: VolumeSeries, i: number, x: number, top: number, text: ChartText): SafeHtml {
  const denied = volume.denied[i]!;
  const partial = volume.partial[i]!;
  const day = shortDay(volume.days[i]!);
  return html`${
    denied > 0
      ? html`<path class="mark-denied" d="M${(x - 5).toFixed(1)} ${(top - 12).toFixed(1)}h10l-5 8z" fill="${DENIED_COLOUR}"><title>${day}: ${denied} ${text.denied}</title></path>`
      : ''
  }${
    partial > 0
      ? html`<circle class="mark-partial" cx="${x.toFixed(1)}" cy="${(top - (denied > 0 ? 17 : 8)).toFixed(1)}" r="3.5" fill="none" stroke="${PARTIAL_COLOUR}" stroke-width="2"><title>${day}: ${partial} ${text.partial}</title></circle>`
      : ''
  }`;
}

export function volumeChartSvg(volume: VolumeSeries, text: ChartText): SafeHtml {
  const width = text.width ?? WIDTH;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const totals = volume.days.map((_, i) => volume.series.reduce((sum, s) => sum + s.counts[i]!, 0));
  const max = Math.max(1, ...totals);
  const slot = (width - LEFT - 8) / Math.max(1, volume.days.length);
  const barWidth = Math.max(2, slot * 0.7);
  const y = (value: number) => TOP + plotHeight - (value / max) * plotHeight;
  const labelEvery = Math.ceil(volume.days.length / Math.max(2, Math.floor(width / 76)));
  const bars = volume.days.map((day, i) => {
    let base = 0;
    const x = LEFT + i * slot + (slot - barWidth) / 2;
    const parts = volume.series.map((s, k) => {
      const count = s.counts[i]!;
      if (count === 0) return '';
      const rect = html`<rect class="bar" x="${x.toFixed(1)}" y="${y(base + count).toFixed(1)}" width="${barWidth.toFixed(1)}"
        height="${((count / max) * plotHeight).toFixed(1)}" fill="${PALETTE[k % PALETTE.length]}"><title>${shortDay(day)} · ${s.name}: ${count}</title></rect>`;
      base += count;
      return rect;
    });
    const label =
      i % labelEvery === 0
        ? html`<text x="${(x + barWidth / 2).toFixed(1)}" y="${HEIGHT - 8}" font-size="11" text-anchor="middle" fill="#4a5566">${shortDay(day)}</text>`
        : '';
    return html`${parts}${marks(volume, i, x + barWidth / 2, y(totals[i]!), text)}${label}`;
  });
  const ticks = [0, Math.round(max / 2), max].map(
    (v) =>
      html`<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#4a5566">${v}</text>
      <line x1="${LEFT}" x2="${width - 8}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e6ea"/>`,
  );
  const range = `${shortDay(volume.days[0] ?? '')} – ${shortDay(volume.days.at(-1) ?? '')}`;
  const svg = html`<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" width="100%" viewBox="0 0 ${width} ${HEIGHT}"
    aria-label="${text.title}, ${range}"><title>${text.title}, ${range}</title>
    ${ticks}${bars}</svg>`;
  return html`${svg}${legendHtml(volume, text)}`;
}

/** The legend as HTML under the chart, so that it keeps its reading size when a phone shrinks the chart. */
function legendHtml(volume: VolumeSeries, text: ChartText): SafeHtml {
  const swatch = (shape: SafeHtml) =>
    html`<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">${shape}</svg>`;
  const items = [
    ...volume.series.map(
      (s, k) =>
        html`<li>${swatch(html`<rect width="12" height="12" fill="${PALETTE[k % PALETTE.length]}"/>`)} ${s.name}</li>`,
    ),
    html`<li>${swatch(html`<path d="M1 2h10l-5 8z" fill="${DENIED_COLOUR}"/>`)} ${text.denied}</li>`,
    html`<li>${swatch(html`<circle cx="6" cy="6" r="3.5" fill="none" stroke="${PARTIAL_COLOUR}" stroke-width="2"/>`)} ${text.partial}</li>`,
  ];
  return html`<ul class="legend">${items}</ul>`;
}
