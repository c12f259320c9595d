// The audit as pictures, drawn from real records: accesses per day per client system, the totals per
// client system and per procedure, the share of citizen lookups per province, and one subject's
// accesses per day (coloured by agency, denied and partial marked).
import type { AuditEvent } from '../audit/types.ts';
import type { Charts } from './adminPages.ts';
import { barChartSvg, rankCounts } from './barChart.ts';
import type { SafeHtml } from './html.ts';
import { provinceOfSubject } from './provinceOf.ts';
import type { Vocabulary } from './vocabulary.ts';
import { countPerDay, volumeChartSvg } from './volumeChart.ts';

/** Days covered by the charts of the search page. */
export const CHART_DAYS = 14;
/** Days covered by one subject's timeline chart. */
export const TIMELINE_DAYS = 30;

export function auditCharts(
  events: readonly AuditEvent[],
  capped: boolean,
  now: Date,
  v: Vocabulary,
): Charts {
  const t = v.t;
  const marks = { denied: t.markDenied, partial: t.markPartial };
  const perDay = countPerDay(events, now, CHART_DAYS, {
    seriesOf: (e) => v.client(e.clientId),
    otherName: t.others,
  });
  const perClient = rankCounts(
    events.map((e) => e.clientId),
    v.client,
    t.others,
  );
  // Only requests that named a purpose: reads of the audit itself carry no procedure.
  const perProcedure = rankCounts(
    events.flatMap((e) => (e.procedureCode ? [e.procedureCode] : [])),
    (code) => v.procedure(code),
    t.others,
  );
  const perProvince = rankCounts(
    events
      .flatMap((e) => e.subjects.filter((s) => s.startsWith('Citizen:')))
      .map((s) => provinceOfSubject(s) ?? t.unknownProvince),
    (name) => name,
    t.others,
  );
  return {
    perDay: volumeChartSvg(perDay, { title: t.perDayTitle, ...marks }),
    perClient: barChartSvg(perClient, { title: t.perClientTitle }),
    perProcedure: barChartSvg(perProcedure, { title: t.perProcedureTitle }),
    perProvince: barChartSvg(perProvince, { title: t.perProvinceTitle, share: true }),
    sampled: events.length,
    capped,
  };
}

/** One subject's accesses per day, one colour per agency or client system. */
export function timelineChart(
  events: readonly AuditEvent[],
  now: Date,
  title: string,
  v: Vocabulary,
  /** The drawing's width; default the charts' usual one. */
  width?: number,
): SafeHtml {
  const perDay = countPerDay(events, now, TIMELINE_DAYS, {
    seriesOf: (e) => v.client(e.clientId),
    otherName: v.t.others,
  });
  return volumeChartSvg(perDay, { title, denied: v.t.markDenied, partial: v.t.markPartial, width });
}
