// The admin pages' markup: sign-in, search (with the chain verdict and the charts), a subject's
// timeline, and plain messages, in the reader's language. Rendering only: what to show is decided by
// createAdminHandler.ts.
import type { AuditEvent, AuditEventConnection } from '../audit/types.ts';
import { AUDIT_OUTCOMES } from '../audit/types.ts';
import { html, type SafeHtml } from './html.ts';
import { type InclusionMark, inclusionMarkHtml } from './inclusionMarks.ts';
import type { Vocabulary } from './vocabulary.ts';

/** The search form's fields, as typed (dates are YYYY-MM-DD, Vietnam time, both inclusive). */
export const SEARCH_FIELDS = [
  'subject',
  'clientId',
  'procedureCode',
  'dossierId',
  'outcome',
  'from',
  'to',
] as const;
export type SearchParams = Partial<Record<(typeof SEARCH_FIELDS)[number], string>>;

export function signInPage(v: Vocabulary, error?: string): SafeHtml {
  return html`<h1>${v.t.signIn}</h1><section>
    <p>${v.t.signInHelp}</p>
    ${error ? html`<p class="bad" role="alert">${error}</p>` : ''}
    <form method="post" action="/admin/login"><label>${v.t.tokenLabel}
      <textarea name="token" required autocomplete="off" spellcheck="false"></textarea></label>
      <p><button type="submit">${v.t.signIn}</button></p></form></section>`;
}

export function queryString(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

function searchForm(params: SearchParams, v: Vocabulary): SafeHtml {
  const input = (name: keyof SearchParams, label: string, type = 'text', placeholder = '') =>
    html`<label>${label}<input type="${type}" name="${name}" value="${params[name] ?? ''}" placeholder="${placeholder}"></label>`;
  const outcomes = ['', ...AUDIT_OUTCOMES].map(
    (o) =>
      html`<option value="${o}"${o === (params.outcome ?? '') ? html` selected` : ''}>${
        o ? v.outcome(o as AuditEvent['outcome']) : v.t.anyOutcome
      }</option>`,
  );
  return html`<form class="filters" method="get" action="/admin/">
    ${input('subject', v.t.subject, 'text', v.t.subjectHint)}${input('clientId', v.t.client)}
    ${input('procedureCode', v.t.procedure, 'text', '1.004222')}${input('dossierId', v.t.dossier)}
    <label>${v.t.outcome}<select name="outcome">${outcomes}</select></label>
    ${input('from', v.t.fromDay, 'date')}${input('to', v.t.toDay, 'date')}
    <button type="submit">${v.t.search}</button></form>`;
}

function subjectLinks(subjects: readonly string[]): SafeHtml[] {
  return subjects.map(
    (s) => html`<a href="/admin/timeline${queryString({ subject: s })}"><code>${s}</code></a> `,
  );
}

function eventRow(event: AuditEvent, v: Vocabulary): SafeHtml {
  return html`<tr><td>${v.time(event.at)}</td><td>${v.clientHtml(event.clientId)}</td>
    <td>${event.officer ?? ''}</td><td>${event.procedureCode ? v.procedure(event.procedureCode) : ''}</td>
    <td>${event.dossierId ?? ''}</td><td>${subjectLinks(event.subjects)}</td><td>${v.fieldList(event.fields)}</td>
    <td>${v.fieldList(event.denied)}</td><td class="outcome-${event.outcome}">${v.outcome(event.outcome)}</td></tr>`;
}

export function resultsTable(
  connection: AuditEventConnection,
  nextHref: string | undefined,
  exportHref: string,
  v: Vocabulary,
): SafeHtml {
  if (connection.edges.length === 0) return html`<p class="muted">${v.t.noMatch}</p>`;
  const t = v.t;
  return html`<p><a href="${exportHref}" download>${t.exportCsv}</a></p>
    <div class="scroll"><table><thead><tr><th>${t.time}</th><th>${t.client}</th><th>${t.officer}</th>
    <th>${t.procedure}</th><th>${t.dossier}</th><th>${t.subject}</th><th>${t.fields}</th><th>${t.denied}</th>
    <th>${t.outcome}</th></tr></thead>
    <tbody>${connection.edges.map((e) => eventRow(e.node, v))}</tbody></table></div>
    ${nextHref ? html`<p><a href="${nextHref}" rel="next">${t.olderRecords}</a></p>` : ''}`;
}

export function chainSection(verdict: SafeHtml, csrf: string, v: Vocabulary): SafeHtml {
  return html`<h2>${v.t.chainTitle}</h2><section id="chain">${verdict}
    <form method="post" action="/admin/verify"><input type="hidden" name="csrf" value="${csrf}">
    <p><button type="submit">${v.t.verifyNow}</button></p></form></section>`;
}

export interface Charts {
  readonly perDay: SafeHtml;
  readonly perClient: SafeHtml;
  readonly perProcedure: SafeHtml;
  readonly perProvince: SafeHtml;
  /** Records the charts were drawn from, and whether older ones were left out. */
  readonly sampled: number;
  readonly capped: boolean;
}

export function chartsSection(charts: Charts, v: Vocabulary): SafeHtml {
  const t = v.t;
  return html`<h2>${t.perDayTitle}</h2><section id="chart-per-day">${charts.perDay}
    <p class="muted">${t.sampled(charts.sampled, charts.capped)}</p></section>
    <div class="charts">
    <section id="chart-per-client"><h2>${t.perClientTitle}</h2>${charts.perClient}</section>
    <section id="chart-per-procedure"><h2>${t.perProcedureTitle}</h2>${charts.perProcedure}</section>
    <section id="chart-per-province"><h2>${t.perProvinceTitle}</h2>${charts.perProvince}
    <p class="muted">${t.perProvinceNote}</p></section></div>`;
}

export function searchPage(
  parts: { params: SearchParams; results: SafeHtml; chain: SafeHtml; charts: SafeHtml },
  v: Vocabulary,
): SafeHtml {
  return html`<h1>${v.t.searchTitle}</h1><section>${searchForm(parts.params, v)}</section>
    <section id="results">${parts.results}</section>${parts.chain}${parts.charts}`;
}

export function timelinePage(
  subject: string,
  connection: AuditEventConnection,
  parts: { chart: SafeHtml; marks: ReadonlyMap<string, InclusionMark>; nextHref?: string | undefined },
  v: Vocabulary,
): SafeHtml {
  const t = v.t;
  const items = connection.edges.map(
    ({ node: e }) => html`<li>${v.time(e.at)}
      — <strong>${v.clientHtml(e.clientId)}</strong>${e.officer ? html` (${t.officer.toLowerCase()} ${e.officer})` : ''},
      ${t.procedure.toLowerCase()} ${v.procedure(e.procedureCode)}, ${t.dossier.toLowerCase()} ${e.dossierId ?? '—'}:
      <span class="outcome-${e.outcome}">${v.outcome(e.outcome)}</span>
      <br>${v.fieldList(e.fields)}${e.denied.length > 0 ? html` <span class="bad">${t.denied.toLowerCase()}: ${v.fieldList(e.denied)}</span>` : ''}
      <br>${inclusionMarkHtml(parts.marks.get(e.id), v)}</li>`,
  );
  return html`<h1>${t.timelineTitle} <code>${subject}</code></h1>
    <section id="chart-timeline">${parts.chart}</section><section>
    ${items.length > 0 ? html`<ol class="timeline">${items}</ol>` : html`<p class="muted">${t.noAccess}</p>`}
    ${parts.nextHref ? html`<p><a href="${parts.nextHref}" rel="next">${t.olderAccesses}</a></p>` : ''}
    <p><a href="/admin/${queryString({ subject })}">${t.searchThisSubject}</a></p></section>`;
}

export function messagePage(title: string, text: string, v: Vocabulary, home = '/admin/'): SafeHtml {
  return html`<h1>${title}</h1><section><p>${text}</p><p><a href="${home}">${v.t.back}</a></p></section>`;
}
