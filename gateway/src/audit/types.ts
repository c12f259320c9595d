// The audit store's public API: what the gateway records for each request that reads or is denied
// protected data, and how administrators, citizens and the verify/export tools read it back.
// No field values are ever recorded: only which fields, which subjects and which sources.
import type { JSONWebKeySet } from 'jose';
import type { CheckResult } from '../../../lib/httpServer.ts';

export const AUDIT_OUTCOMES = ['ok', 'partial', 'denied', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One request as the gateway reports it. */
export interface AuditRecordInput {
  /** When the request was received; the store's clock when absent. */
  readonly at?: Date;
  readonly requestId: string;
  /** The client system (token `sub`). */
  readonly clientId: string;
  /** The civil servant at the keyboard (token `officer` claim), when given. */
  readonly officer?: string | null;
  readonly procedureCode?: string | null;
  readonly dossierId?: string | null;
  readonly operationName?: string | null;
  /** Hex SHA-256 of the normalized operation. */
  readonly operationHash: string;
  /** Schema coordinates served, e.g. `Citizen.fullName`. */
  readonly fields: readonly string[];
  /** Schema coordinates denied, e.g. `Citizen.religion`. */
  readonly denied: readonly string[];
  /** Every citizen id, enterprise code, certificate serial and result code whose data was served. */
  readonly subjects: readonly string[];
  /** Sources touched, e.g. `population`. */
  readonly sources: readonly string[];
  readonly outcome: AuditOutcome;
  /** Request duration in milliseconds (kept to the microsecond). */
  readonly durationMs: number;
  /** The client token's `jti`, when it had one. */
  readonly tokenId?: string | null;
}

/** A committed record: its content as hashed, its place in the chain and its hash. */
export interface StoredAuditRecord {
  readonly seq: number;
  readonly at: Date;
  readonly requestId: string;
  readonly clientId: string;
  readonly officer: string | null;
  readonly procedureCode: string | null;
  readonly dossierId: string | null;
  readonly operationName: string | null;
  readonly operationHash: string;
  readonly fields: readonly string[];
  readonly denied: readonly string[];
  readonly subjects: readonly string[];
  readonly sources: readonly string[];
  readonly outcome: AuditOutcome;
  readonly durationMs: number;
  /** The client token's `jti`; null when it had none (and for records older than migration 003). */
  readonly tokenId?: string | null;
  /** Hex SHA-256 of the previous record (64 zeros for the first). */
  readonly prevHash: string;
  /** Hex SHA-256 over seq, prevHash and the content (see chain.ts). */
  readonly hash: string;
}

/** DESIGN.md's `AuditEvent`. */
export interface AuditEvent {
  readonly id: string;
  /** ISO 8601. */
  readonly at: string;
  readonly clientId: string;
  /** Always null in a citizen's access history. */
  readonly officer: string | null;
  readonly procedureCode: string | null;
  readonly dossierId: string | null;
  readonly subjects: readonly string[];
  readonly fields: readonly string[];
  readonly denied: readonly string[];
  readonly outcome: AuditOutcome;
}

/** DESIGN.md's `AuditFilter`; every member narrows the result. `from` is inclusive, `to` exclusive. */
export interface AuditFilter {
  readonly subject?: string | null;
  readonly clientId?: string | null;
  readonly officer?: string | null;
  readonly procedureCode?: string | null;
  readonly dossierId?: string | null;
  readonly outcome?: string | null;
  /** A Date or an ISO 8601 string. */
  readonly from?: Date | string | null;
  readonly to?: Date | string | null;
}

export interface PageRequest {
  /** Page size, 1 to AUDIT_PAGE_MAX; default AUDIT_PAGE_DEFAULT. */
  readonly first?: number | null;
  /** The `endCursor` of the previous page. */
  readonly after?: string | null;
}

export interface AuditEventConnection {
  readonly edges: readonly { readonly cursor: string; readonly node: AuditEvent }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

export type TamperKind = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'bad-checkpoint';

export interface VerifyReport {
  /** True only when every record chains and every checkpoint is validly signed and matches. */
  readonly ok: boolean;
  /** Records read. */
  readonly records: number;
  /** Checkpoints whose signature and hash were checked. */
  readonly checkpoints: number;
  /** The first problem in chain order. */
  readonly firstProblem?: { readonly seq: number; readonly kind: TamperKind; readonly detail: string };
}

/** RFC 9162 inclusion proof of one leaf; byte strings in base64. */
export interface InclusionProof {
  /** The leaf's index: the record's seq − 1. */
  readonly leafIndex: number;
  readonly treeSize: number;
  /** The leaf's bytes (leaf.ts): the record with the officer and subjects as salted commitments. */
  readonly leaf: string;
  readonly hashes: readonly string[];
}

/** DESIGN.md's `InclusionProof`: a record's proof in the tree of a signed checkpoint. */
export interface RecordInclusion extends InclusionProof {
  /** The signed note whose tree the proof is in. */
  readonly checkpoint: string;
  /** When the store signed that checkpoint (ISO 8601; its own clock, outside the signature). */
  readonly checkpointAt: string;
}

/** RFC 9162 consistency proof from the tree of `fromSize` leaves to the tree of `treeSize`. */
export interface ConsistencyProof {
  readonly fromSize: number;
  readonly treeSize: number;
  readonly hashes: readonly string[];
}

export interface AuditStore extends AsyncDisposable {
  /**
   * Records one request. Resolves only after the record's transaction has committed; rejects with
   * AuditUnavailableError when it could not be written (database down, timeout, queue full, closed),
   * within `appendTimeoutMs`.
   */
  append(record: AuditRecordInput): Promise<StoredAuditRecord>;
  /** Newest first. Throws AuditQueryError for a malformed filter or cursor. */
  query(filter: AuditFilter, page?: PageRequest): Promise<AuditEventConnection>;
  /** The accesses to one subject's data, newest first, without officer names. */
  accessHistory(subject: string, page?: PageRequest): Promise<AuditEventConnection>;
  /**
   * Recomputes the chain and the Merkle tree and checks the checkpoints; `jwks` defaults to the store's
   * own key; `witnessed` are checkpoint notes a witness accepted.
   */
  verify(jwks?: JSONWebKeySet, options?: { witnessed?: readonly string[] }): Promise<VerifyReport>;
  /** For /readyz: whether the database answers. Never throws. */
  ping(): Promise<CheckResult>;
  /** The latest signed checkpoint note; null before the first. */
  checkpoint(): Promise<string | null>;
  /** Throws AuditQueryError unless 0 ≤ index < size ≤ the tree's size. */
  inclusionProof(index: number, size: number): Promise<InclusionProof>;
  /** Throws AuditQueryError unless 0 ≤ from ≤ to ≤ the tree's size. */
  consistencyProof(from: number, to: number): Promise<ConsistencyProof>;
  /** A record's proof against the latest checkpoint; null while no checkpoint covers it yet. */
  recordInclusion(seq: number): Promise<RecordInclusion | null>;
  /** Records with `from <= at < to`, oldest first. */
  exportRange(from: Date, to: Date): AsyncIterable<StoredAuditRecord>;
}
