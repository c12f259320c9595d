// What the gateway knows about one request. Created per request by the HTTP layer; plugins fill in
// the identity-dependent parts in a fixed order (see plugins/index.ts). Nothing request-scoped lives
// in module scope.
import type { Caller } from '../../lib/internalToken.ts';
import type { ClientIdentity } from './plugins/auth/clientClaims.ts';
import type { Procedure } from './procedures.ts';

export type { ClientIdentity };

/** The purpose headers as received (validated by the purpose plugin). */
export interface PurposeHeaders {
  readonly procedureCode: string | undefined;
  readonly dossierId: string | undefined;
}

export interface GatewayContext {
  /** The gateway's id of this request (audit record, attestation, logs, the response's X-Request-Id). */
  readonly requestId: string;
  /** The client's own X-Request-Id, when it sent a plain one: its correlation id, logged beside ours. */
  readonly clientRequestId?: string | undefined;
  /** performance.now() when the request arrived. */
  readonly startedAt: number;
  /** Epoch ms after which subgraphs should give up on this request. */
  readonly deadline: number;
  readonly identity: ClientIdentity;
  readonly purposeHeaders: PurposeHeaders;
  /** Subgraphs called for this request (the audit's "sources"). */
  readonly sourcesTouched: Set<string>;
  /**
   * `Type:key` of every entity whose data crossed the gateway for this request: the representations
   * sent to subgraphs and the subjects their responses report (the audit's "subjects").
   */
  readonly subjectsServed: Set<string>;
  /**
   * Identity + purpose + scopes in force, set once the operation is resolved; what subgraphs receive.
   * A mutable holder rather than a field: Apollo Server hands plugins a shallow copy of the context,
   * and the HTTP layer (response attestation) must see what the plugins decided.
   */
  readonly resolution: {
    caller?: Caller;
    /** The procedure the purpose names (its scopes and fields decide what may be read). */
    procedure?: Procedure;
    /** The verified dossier's procedure and receiving agency (PURPOSE_VERIFICATION=enforce). */
    dossier?: { readonly procedureCode: string; readonly agency: string };
  };
}
