// Names what happened where the chain first breaks. The verifier walks records in seq order; at the
// first record that does not follow from its predecessor it looks at that record, the ones after it
// and the ones before it to say whether a record was edited, deleted, inserted or moved.
import { type AuditContent, recordHash } from './chain.ts';
import type { TamperKind } from './types.ts';

export interface ChainRow {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly content: AuditContent;
}

export interface Problem {
  readonly seq: number;
  readonly kind: TamperKind;
  readonly detail: string;
}

export interface BreakContext {
  /** The seq the walk expected next (previous seq + 1). */
  readonly expectedSeq: number;
  /** The hash of the last record accepted (GENESIS_HASH before the first). */
  readonly expectedPrev: string;
  /** Seq of the chain head as audit_head records it. */
  readonly headSeq: number;
  /** Records after `row`, in seq order (a bounded look-ahead). */
  readonly ahead: readonly ChainRow[];
  /** hash → seq of recently accepted records. */
  readonly seen: ReadonlyMap<string, number>;
}

export const selfConsistent = (row: ChainRow, seq: number = row.seq): boolean =>
  recordHash(seq, row.prevHash, row.content) === row.hash;

/** The first problem at `row`, or undefined when it follows correctly from the records before it. */
export function classifyBreak(row: ChainRow, ctx: BreakContext): Problem | undefined {
  const e = ctx.expectedSeq;
  if (row.seq > e) {
    return {
      seq: e,
      kind: 'deleted',
      detail:
        row.seq === e + 1
          ? `record ${e} is missing; the log resumes at record ${row.seq}`
          : `records ${e}–${row.seq - 1} are missing and no archive records them; the log resumes at record ${row.seq}`,
    };
  }
  const selfOk = selfConsistent(row);
  const linked = row.prevHash === ctx.expectedPrev;
  if (selfOk && linked) return undefined;
  if (row.seq > ctx.headSeq) {
    return { seq: e, kind: 'inserted', detail: `record ${e} lies beyond the chain head (${ctx.headSeq})` };
  }
  const copyOf = ctx.seen.get(row.hash);
  if (copyOf !== undefined) {
    return { seq: e, kind: 'inserted', detail: `record ${e} is a copy of record ${copyOf}` };
  }
  const laterIndex = ctx.ahead.findIndex((later) => later.hash === row.prevHash);
  if (laterIndex >= 0) {
    const later = ctx.ahead[laterIndex]!;
    return {
      seq: e,
      kind: 'reordered',
      detail: `record ${e} was chained after the record now at ${later.seq}`,
    };
  }
  if (!linked && ctx.seen.get(row.prevHash) === e - 2 && selfConsistent(row, e - 1)) {
    return {
      seq: e - 1,
      kind: 'inserted',
      detail: `record ${e - 1} is not in the chain: record ${e} was chained directly after record ${e - 2}`,
    };
  }
  const next = ctx.ahead[0];
  if (!selfOk && next && next.prevHash === ctx.expectedPrev) {
    return {
      seq: e,
      kind: 'inserted',
      detail: `record ${e} is not in the chain: the record after it was chained after record ${e - 1}`,
    };
  }
  if (!selfOk && linked) {
    return { seq: e, kind: 'edited', detail: `record ${e}'s content does not match its hash` };
  }
  if (selfOk) {
    return {
      seq: e - 1,
      kind: 'edited',
      detail: `record ${e - 1} was altered and rehashed: record ${e} was chained after a different record`,
    };
  }
  if (selfConsistent(row, row.seq + 1)) {
    return {
      seq: e,
      kind: 'deleted',
      detail: `record ${e} is missing and the records after it were renumbered to hide the gap`,
    };
  }
  return { seq: e, kind: 'edited', detail: `record ${e}'s content and link do not match its hash` };
}
