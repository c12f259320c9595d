// A record's leaf in the Merkle tree: its canonical bytes, with the values that would tell one reader
// about other people replaced by salted commitments. A citizen checking a record of their own
// history receives the leaf; the officer's name and the other subjects of a batch request must not be
// readable (nor guessable: identifiers are short and structured) from it. Each commitment is
// SHA-256(salt ‖ value) with salt = HMAC-SHA256(the record's random seed, slot name), so revealing
// one slot's salt discloses that slot alone. The seed is stored with the record.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { AuditContent } from './chain.ts';

/** The leaf format's name: the first member of every leaf. */
export const LEAF_FORMAT = 'lienthong-audit-leaf/1';

export const newLeafSeed = (): Buffer => randomBytes(16);

export const slotSalt = (seed: Uint8Array, slot: string): Buffer =>
  createHmac('sha256', seed).update(slot).digest();

export const commitment = (salt: Uint8Array, value: string): string =>
  createHash('sha256').update(salt).update(value, 'utf8').digest('base64');

/** The slot of the i-th subject, as `slotSalt` names it. */
export const subjectSlot = (i: number): string => `subject/${i}`;

export function leafBytes(seq: number, content: AuditContent, seed: Uint8Array): Buffer {
  const officer = content.officer === null ? null : commitment(slotSalt(seed, 'officer'), content.officer);
  return Buffer.from(
    JSON.stringify([
      LEAF_FORMAT,
      seq,
      content.at.toISOString(),
      content.requestId,
      content.clientId,
      officer,
      content.procedureCode,
      content.dossierId,
      content.operationName,
      content.operationHash,
      content.fields,
      content.denied,
      content.subjects.map((subject, i) => commitment(slotSalt(seed, subjectSlot(i)), subject)),
      content.sources,
      content.outcome,
      content.durationMs,
      ...(content.tokenId ? [content.tokenId] : []),
    ]),
    'utf8',
  );
}

/** What a leaf shows in clear, for the offline check of a record against the event a reader was shown. */
export interface LeafView {
  readonly seq: number;
  readonly at: string;
  readonly clientId: string;
  readonly procedureCode: string | null;
  readonly dossierId: string | null;
  readonly fields: readonly string[];
  readonly denied: readonly string[];
  readonly subjectCommitments: readonly string[];
  readonly outcome: string;
}

/** Parses leaf bytes; undefined when they are not a leaf of this format. */
export function readLeaf(bytes: Uint8Array): LeafView | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 16 || parsed[0] !== LEAF_FORMAT) return undefined;
  const [, seq, at, , clientId, , procedureCode, dossierId, , , fields, denied, subjects, , outcome] = parsed;
  return {
    seq,
    at,
    clientId,
    procedureCode,
    dossierId,
    fields,
    denied,
    subjectCommitments: subjects,
    outcome,
  };
}
