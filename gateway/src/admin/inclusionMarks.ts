// The "verified in the log" mark of each record a page shows (DESIGN.md "Audit log proofs"). For
// every record the page's own code fetches its inclusion proof against the latest signed checkpoint,
// verifies the checkpoint's signature with the gateway's published audit keys, hashes the leaf
// itself, folds the proof up to the signed root and requires the leaf to show exactly what the page
// shows (checkInclusion.ts, the same check as `npm run audit:verify-inclusion`). A row edited in the
// database after a checkpoint therefore fails here: its leaf is rebuilt from the edited row and no
// longer hashes to the signed root. A record newer than the latest checkpoint is pending, never
// passed; anything that cannot be checked is shown as not verified.
import type { JWK } from 'jose';
import type { Logger } from '../../../lib/logger.ts';
import { checkInclusion } from '../audit/checkInclusion.ts';
import type { AuditEvent, AuditStore } from '../audit/types.ts';
import { html, type SafeHtml } from './html.ts';
import { vietnamTime } from './localTime.ts';
import type { Vocabulary } from './vocabulary.ts';

export type InclusionMark =
  | { readonly state: 'verified'; readonly treeSize: number; readonly checkpointAt: string }
  | { readonly state: 'pending' }
  | { readonly state: 'failed' };

/** Proofs read at once: a page of 50 records needs 50 short reads, not 50 connections. */
const CONCURRENCY = 4;

async function markOf(
  store: AuditStore,
  event: AuditEvent,
  keys: readonly JWK[],
  logger: Logger,
): Promise<InclusionMark> {
  const seq = Number(event.id);
  let reason: string;
  try {
    const inclusion = await store.recordInclusion(seq);
    if (!inclusion) return { state: 'pending' };
    const verdict = checkInclusion({ ...event, inclusion }, keys);
    if (verdict.ok) {
      return { state: 'verified', treeSize: verdict.treeSize, checkpointAt: inclusion.checkpointAt };
    }
    reason = verdict.reason;
  } catch (error) {
    reason = `proof unavailable (${(error as Error).name})`;
  }
  // The record number and the reason name no person; an insider's edit must not pass unnoticed.
  logger.warn({ seq, reason }, 'audit record not verified in the log');
  return { state: 'failed' };
}

/** The mark of each event, by event id; `keys` are the gateway's published JWKS keys, retired ones included. */
export async function inclusionMarks(
  store: AuditStore,
  events: readonly AuditEvent[],
  keys: readonly JWK[],
  logger: Logger,
): Promise<Map<string, InclusionMark>> {
  const marks = new Map<string, InclusionMark>();
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const event = events[next++]!;
      marks.set(event.id, await markOf(store, event, keys, logger));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, events.length) }, worker));
  return marks;
}

/** Whether the record, as shown, is in the signed log: verified, pending the next checkpoint, or not. */
export function inclusionMarkHtml(mark: InclusionMark | undefined, v: Vocabulary): SafeHtml {
  const t = v.t;
  if (mark?.state === 'verified') {
    const detail = t.inclusionVerifiedDetail(mark.treeSize, vietnamTime(mark.checkpointAt));
    return html`<span class="inclusion inclusion-verified ok" title="${detail}">✓ ${t.inclusionVerified}</span>
      <small class="inclusion-detail muted">${detail}</small>`;
  }
  if (mark?.state === 'pending') {
    return html`<span class="inclusion inclusion-pending muted" title="${t.inclusionPendingDetail}">⧗ ${t.inclusionPending}</span>
      <small class="inclusion-detail muted">${t.inclusionPendingDetail}</small>`;
  }
  // No mark at all is a failure too: a record is never shown as if it had been checked.
  return html`<span class="inclusion inclusion-failed bad" title="${t.inclusionFailedDetail}">✗ ${t.inclusionFailed}</span>
    <small class="inclusion-detail">${t.inclusionFailedDetail}</small>`;
}
