// What the audit plugin records about a request's fields, gathered where it is known: the fields served
// and denied by the authorization decision. (Subjects are on the context: subjectsServed.)
import type { GatewayContext } from '../../context.ts';

export interface AuditFacts {
  /** Schema coordinates served, e.g. `Citizen.fullName`. */
  served: readonly string[];
  /** Schema coordinates denied, e.g. `Citizen.religion`. */
  denied: readonly string[];
}

export const auditFacts = new WeakMap<GatewayContext, AuditFacts>();
