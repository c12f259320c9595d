// How the pages name things: procedures by their catalogue name and code ("Đăng ký khai sinh
// (1.001193)"), fields by their label from the schema with the coordinate on hover, client systems
// by the name a registry gives them, outcomes and times in the reader's language and Vietnam's time.

import type { AuditOutcome } from '../audit/types.ts';
import type { ProcedureRegistry } from '../procedures.ts';
import type { FieldLabels } from './fieldLabels.ts';
import { html, type SafeHtml } from './html.ts';
import type { Lang } from './locale.ts';
import { vietnamTime } from './localTime.ts';
import { type Messages, messages } from './messages.ts';

export interface Naming {
  readonly procedures: ProcedureRegistry;
  readonly fieldLabels: FieldLabels;
  /** The display name of a client system, when a registry names it. */
  readonly clientName?: (clientId: string) => string | undefined;
}

export interface Vocabulary {
  readonly lang: Lang;
  readonly t: Messages;
  procedure(code: string | null): string;
  /** The registry's name and the id in text, for charts and exports; the id alone when unnamed. */
  client(clientId: string): string;
  /** The registry's name with the id on hover; the id alone when unnamed. */
  clientHtml(clientId: string): SafeHtml;
  /** The label of a field, or its coordinate when the schema names no label. */
  fieldText(coordinate: string): string;
  /** The label with its coordinate on hover. */
  field(coordinate: string): SafeHtml;
  fieldList(coordinates: readonly string[]): SafeHtml;
  outcome(outcome: AuditOutcome): string;
  time(at: string): SafeHtml;
}

export function vocabulary(lang: Lang, naming: Naming): Vocabulary {
  const t = messages(lang);
  const fieldText = (coordinate: string) => naming.fieldLabels.get(coordinate, lang) ?? coordinate;
  const field = (coordinate: string) =>
    html`<span class="field" title="${coordinate}">${fieldText(coordinate)}</span>`;
  return {
    lang,
    t,
    procedure: (code) => {
      if (!code) return t.noProcedure;
      const procedure = naming.procedures.get(code);
      return procedure ? `${procedure.name} (${code})` : code;
    },
    client: (clientId) => {
      const name = naming.clientName?.(clientId);
      return name ? `${name} (${clientId})` : clientId;
    },
    clientHtml: (clientId) => {
      const name = naming.clientName?.(clientId);
      return name
        ? html`<span class="client" title="${clientId}">${name}</span>`
        : html`<span class="client">${clientId}</span>`;
    },
    fieldText,
    field,
    fieldList: (coordinates) => html`${coordinates.map((c, i) => html`${i > 0 ? ', ' : ''}${field(c)}`)}`,
    outcome: (outcome) => t.outcomes[outcome] ?? outcome,
    time: (at) => html`<time datetime="${at}">${vietnamTime(at)}</time>`,
  };
}
