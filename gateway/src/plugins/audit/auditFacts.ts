// What the audit plugin records about a request's data, gathered where it is known: the fields served
// and denied by the authorization decision, the subjects from the executed result.
import type { GatewayContext } from '../../context.ts';

export interface AuditFacts {
  /** Schema coordinates served, e.g. `Citizen.fullName`. */
  served: readonly string[];
  /** Schema coordinates denied, e.g. `Citizen.religion`. */
  denied: readonly string[];
  /** Identifiers whose data was served. */
  subjects: readonly string[];
}

export const auditFacts = new WeakMap<GatewayContext, AuditFacts>();
