// The hash chain. Each record's hash is SHA-256 over a canonical serialization of its sequence number,
// the previous record's hash and its content, so editing, removing, adding or moving any record
// changes every hash after it. The serialization is a JSON array in a fixed order (arrays as given,
// absent values as null): stable across processes, Node versions and databases.
import { createHash } from 'node:crypto';
import { AUDIT_OUTCOMES, type AuditRecordInput, type StoredAuditRecord } from './types.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** A record's content as it is hashed and stored: the input normalized, `at` fixed. */
export type AuditContent = Omit<StoredAuditRecord, 'seq' | 'prevHash' | 'hash'>;

// PostgreSQL text cannot hold NUL; anything else is stored as given.
const isText = (value: unknown): value is string => typeof value === 'string' && !value.includes('\u0000');
const isTextList = (value: unknown) => Array.isArray(value) && value.every(isText);

/** Throws a TypeError naming the member at fault, so one malformed record never fails its whole batch. */
function assertShape(input: AuditRecordInput): void {
  for (const key of ['requestId', 'clientId', 'operationHash'] as const) {
    if (!isText(input[key])) throw new TypeError(`${key} must be a string`);
  }
  for (const key of ['officer', 'procedureCode', 'dossierId', 'operationName', 'tokenId'] as const) {
    const value = input[key];
    if (value !== undefined && value !== null && !isText(value))
      throw new TypeError(`${key} must be a string`);
  }
  for (const key of ['fields', 'denied', 'subjects', 'sources'] as const) {
    if (!isTextList(input[key])) throw new TypeError(`${key} must be a list of strings`);
  }
  if (!(AUDIT_OUTCOMES as readonly string[]).includes(input.outcome))
    throw new TypeError('outcome is not known');
  if (!Number.isFinite(input.durationMs) || input.durationMs < 0)
    throw new TypeError('durationMs must be >= 0');
  if (input.at !== undefined && Number.isNaN(input.at.getTime())) throw new TypeError('at is not a date');
}

/** Checks and fills defaults and copies arrays, so what is hashed is exactly what is stored. */
export function normalizeRecord(input: AuditRecordInput, now: Date): AuditContent {
  assertShape(input);
  return {
    at: new Date((input.at ?? now).getTime()),
    requestId: input.requestId,
    clientId: input.clientId,
    officer: input.officer ?? null,
    procedureCode: input.procedureCode ?? null,
    dossierId: input.dossierId ?? null,
    operationName: input.operationName ?? null,
    operationHash: input.operationHash,
    fields: [...input.fields],
    denied: [...input.denied],
    subjects: [...input.subjects],
    sources: [...input.sources],
    outcome: input.outcome,
    // Microseconds: what survives a round trip through double precision unchanged.
    durationMs: Math.round(input.durationMs * 1000) / 1000,
    tokenId: input.tokenId ?? null,
  };
}

export function canonicalContent(seq: number, prevHash: string, c: AuditContent): string {
  return JSON.stringify([
    1, // serialization version
    seq,
    prevHash,
    c.at.toISOString(),
    c.requestId,
    c.clientId,
    c.officer,
    c.procedureCode,
    c.dossierId,
    c.operationName,
    c.operationHash,
    c.fields,
    c.denied,
    c.subjects,
    c.sources,
    c.outcome,
    c.durationMs,
    // Appended only when present: records without a token id hash exactly as before it existed.
    ...(c.tokenId ? [c.tokenId] : []),
  ]);
}

export function recordHash(seq: number, prevHash: string, content: AuditContent): string {
  return createHash('sha256')
    .update(canonicalContent(seq, prevHash, content))
    .digest('hex');
}

/** Links contents after the head (seq, hash): consecutive seqs, each hash covering the previous. */
export function chainRecords(
  head: { seq: number; hash: string },
  contents: readonly AuditContent[],
): StoredAuditRecord[] {
  let { seq, hash } = head;
  return contents.map((content) => {
    seq += 1;
    const prevHash = hash;
    hash = recordHash(seq, prevHash, content);
    return { ...content, seq, prevHash, hash };
  });
}
