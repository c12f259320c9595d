// The admin pages' markup: sign-in, search (with the chain status and the volume chart), a subject's
// timeline, and plain messages. Rendering only: what to show is decided by createAdminHandler.ts.
import type { AuditEvent, AuditEventConnection, VerifyReport } from '../audit/types.ts';
import { AUDIT_OUTCOMES } from '../audit/types.ts';
import { html, type SafeHtml } from './html.ts';
import { type VolumeSeries, volumeChartSvg } from './volumeChart.ts';

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

export interface Verification {
  readonly at: Date;
  readonly by: string;
  readonly report: VerifyReport;
}

export function signInPage(error?: string): SafeHtml {
  return html`<h1>Sign in</h1><section>
    <p>Paste an access token with the <code>audit:read</code> scope. It is kept in a cookie that only
    these pages receive, until it expires or you sign out.</p>
    ${error ? html`<p class="bad" role="alert">${error}</p>` : ''}
    <form method="post" action="/admin/login"><label>Access token
      <textarea name="token" required autocomplete="off" spellcheck="false"></textarea></label>
      <p><button type="submit">Sign in</button></p></form></section>`;
}

export function queryString(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

function searchForm(params: SearchParams): SafeHtml {
  const input = (name: keyof SearchParams, label: string, type = 'text', placeholder = '') =>
    html`<label>${label}<input type="${type}" name="${name}" value="${params[name] ?? ''}" placeholder="${placeholder}"></label>`;
  const outcomes = ['', ...AUDIT_OUTCOMES].map(
    (o) =>
      html`<option value="${o}"${o === (params.outcome ?? '') ? html` selected` : ''}>${o || 'any'}</option>`,
  );
  return html`<form class="filters" method="get" action="/admin/">
    ${input('subject', 'Subject', 'text', 'citizen id, enterprise code…')}${input('clientId', 'Client')}
    ${input('procedureCode', 'Procedure', 'text', '1.004227')}${input('dossierId', 'Dossier')}
    <label>Outcome<select name="outcome">${outcomes}</select></label>
    ${input('from', 'From (day)', 'date')}${input('to', 'To (day)', 'date')}
    <button type="submit">Search</button></form>`;
}

function subjectLinks(subjects: readonly string[]): SafeHtml[] {
  return subjects.map(
    (s) => html`<a href="/admin/timeline${queryString({ subject: s })}"><code>${s}</code></a> `,
  );
}

function eventRow(event: AuditEvent): SafeHtml {
  return html`<tr><td><time datetime="${event.at}">${event.at}</time></td><td>${event.clientId}</td>
    <td>${event.officer ?? ''}</td><td>${event.procedureCode ?? ''}</td><td>${event.dossierId ?? ''}</td>
    <td>${subjectLinks(event.subjects)}</td><td><code>${event.fields.join(' ')}</code></td>
    <td><code>${event.denied.join(' ')}</code></td><td class="outcome-${event.outcome}">${event.outcome}</td></tr>`;
}

export function resultsTable(
  connection: AuditEventConnection,
  nextHref: string | undefined,
  exportHref: string,
): SafeHtml {
  if (connection.edges.length === 0) return html`<p class="muted">No record matches.</p>`;
  return html`<p><a href="${exportHref}" download>Export CSV</a></p>
    <table><thead><tr><th>Time (UTC)</th><th>Client</th><th>Officer</th><th>Procedure</th><th>Dossier</th>
    <th>Subjects</th><th>Fields</th><th>Denied</th><th>Outcome</th></tr></thead>
    <tbody>${connection.edges.map((e) => eventRow(e.node))}</tbody></table>
    ${nextHref ? html`<p><a href="${nextHref}" rel="next">Older records →</a></p>` : ''}`;
}

export function chainStatus(last: Verification | undefined, csrf: string): SafeHtml {
  const verdict = !last
    ? html`<p class="muted" id="chain-status">Not verified since this gateway started.</p>`
    : last.report.ok
      ? html`<p class="ok" id="chain-status">Chain intact: ${last.report.records} records,
          ${last.report.checkpoints} signed checkpoints (verified ${last.at.toISOString()} by ${last.by}).</p>`
      : html`<p class="bad" id="chain-status">Chain NOT intact: record ${last.report.firstProblem?.seq}
          ${last.report.firstProblem?.kind} — ${last.report.firstProblem?.detail}
          (${last.report.records} records checked ${last.at.toISOString()} by ${last.by}).</p>`;
  return html`<h2>Chain verification</h2><section>${verdict}
    <form method="post" action="/admin/verify"><input type="hidden" name="csrf" value="${csrf}">
    <button type="submit">Verify the chain now</button></form></section>`;
}

export function volumeSection(volume: VolumeSeries, sampled: number, capped: boolean): SafeHtml {
  return html`<h2>Access volume per client</h2><section>
    ${volumeChartSvg(volume)}
    <p class="muted">Requests per day (Vietnam time), from ${sampled} records${
      capped ? html` — the newest only; narrow the period for exact counts` : ''
    }.</p></section>`;
}

export function searchPage(parts: {
  params: SearchParams;
  results: SafeHtml;
  chain: SafeHtml;
  volume: SafeHtml;
}): SafeHtml {
  return html`<h1>Audit records</h1><section>${searchForm(parts.params)}</section>
    <section id="results">${parts.results}</section>${parts.chain}${parts.volume}`;
}

export function timelinePage(subject: string, connection: AuditEventConnection, nextHref?: string): SafeHtml {
  const items = connection.edges.map(
    ({ node: e }) => html`<li><time datetime="${e.at}">${e.at}</time>
      — <strong>${e.clientId}</strong>${e.officer ? html` (officer ${e.officer})` : ''}, procedure
      ${e.procedureCode ?? '—'}, dossier ${e.dossierId ?? '—'}: <span class="outcome-${e.outcome}">${e.outcome}</span>
      <br><code>${e.fields.join(' ')}</code>${e.denied.length > 0 ? html` <span class="bad">denied: ${e.denied.join(' ')}</span>` : ''}</li>`,
  );
  return html`<h1>Access timeline of <code>${subject}</code></h1><section>
    ${items.length > 0 ? html`<ol class="timeline">${items}</ol>` : html`<p class="muted">No access recorded.</p>`}
    ${nextHref ? html`<p><a href="${nextHref}" rel="next">Older accesses →</a></p>` : ''}
    <p><a href="/admin/${queryString({ subject })}">Search this subject</a></p></section>`;
}

export function messagePage(title: string, text: string): SafeHtml {
  return html`<h1>${title}</h1><section><p>${text}</p><p><a href="/admin/">Back</a></p></section>`;
}
