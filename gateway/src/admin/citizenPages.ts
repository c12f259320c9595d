// The citizen's own page, "Ai đã xem dữ liệu của tôi": every access to one's own data — when, which
// agency, for which procedure and dossier, which kinds of data in plain words. Built for a phone
// first (one card per access, no table to scroll). What it never shows: an officer's name (the store
// strips it from a citizen's history) and any other subject's identifier (a record's subjects are
// not rendered at all, only its fields, by label).
import type { AuditEvent, AuditEventConnection } from '../audit/types.ts';
import { html, type SafeHtml } from './html.ts';
import { type InclusionMark, inclusionMarkHtml } from './inclusionMarks.ts';
import type { Vocabulary } from './vocabulary.ts';

export function citizenSignInPage(v: Vocabulary, error?: string): SafeHtml {
  const t = v.t;
  return html`<h1>${t.citizenTitle}</h1><section>
    <p>${t.citizenIntro}</p><p>${t.citizenSignInHelp}</p>
    ${error ? html`<p class="bad" role="alert">${error}</p>` : ''}
    <form method="post" action="/cong-dan/login"><label for="token">${t.citizenTokenLabel}</label>
      <textarea id="token" name="token" required autocomplete="off" spellcheck="false"></textarea>
      <p><button type="submit">${t.signIn}</button></p></form></section>`;
}

/** The kinds of data a record read, by label: root lookups are how, not what, so they are left out. */
export function dataFields(fields: readonly string[]): string[] {
  return fields.filter((f) => !f.startsWith('Query.') && !f.startsWith('Mutation.'));
}

function accessCard(event: AuditEvent, mark: InclusionMark | undefined, v: Vocabulary): SafeHtml {
  const t = v.t;
  const read = dataFields(event.fields);
  const denied = dataFields(event.denied);
  return html`<li class="access"><dl class="access">
    <dt>${t.citizenWhen}</dt><dd>${v.time(event.at)}</dd>
    <dt>${t.citizenAgency}</dt><dd class="agency">${v.clientHtml(event.clientId)}</dd>
    <dt>${t.citizenFor}</dt><dd class="purpose">${v.procedure(event.procedureCode)}${
      event.dossierId ? html`, ${t.citizenDossier} <span class="dossier">${event.dossierId}</span>` : ''
    }</dd>
    ${read.length > 0 ? html`<dt>${t.citizenData}</dt><dd class="data">${v.fieldList(read)}</dd>` : ''}
    ${denied.length > 0 ? html`<dt>${t.citizenDenied}</dt><dd class="denied">${v.fieldList(denied)}</dd>` : ''}
    <dt>${t.outcome}</dt><dd class="outcome outcome-${event.outcome}">${v.outcome(event.outcome)}</dd>
    <dt>${t.citizenLog}</dt><dd class="log">${inclusionMarkHtml(mark, v)}</dd></dl></li>`;
}

export function citizenHistoryPage(
  connection: AuditEventConnection,
  parts: {
    chart: SafeHtml;
    marks: ReadonlyMap<string, InclusionMark>;
    nextHref?: string | undefined;
  },
  v: Vocabulary,
): SafeHtml {
  const t = v.t;
  const events = connection.edges.map((e) => e.node);
  return html`<h1>${t.citizenTitle}</h1><p>${t.citizenIntro}</p>
    <section id="chart-citizen"><h2>${t.citizenChartTitle}</h2>${parts.chart}</section>
    <section aria-labelledby="accesses-title"><h2 id="accesses-title">${t.citizenCount(events.length)}</h2>
    ${events.length > 0 ? html`<ul class="accesses">${events.map((e) => accessCard(e, parts.marks.get(e.id), v))}</ul>` : html`<p class="muted">${t.citizenNone}</p>`}
    ${parts.nextHref ? html`<p><a href="${parts.nextHref}" rel="next">${t.olderAccesses}</a></p>` : ''}</section>`;
}
