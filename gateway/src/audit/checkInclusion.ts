// The offline check of one record (`npm run audit:verify-inclusion`): an AuditEvent as
// `myAccessHistory` or `auditEvents` returns it, with its inclusion proof, and the gateway's published
// keys. The checkpoint's signature, the proof up to its root, and the leaf against the event shown
// must all hold: then the record is in the log that the gateway signed (and witnesses saw), as shown.
import type { JWK } from 'jose';
import { readLeaf } from './leaf.ts';
import { leafHash, rootFromInclusion } from './merkle.ts';
import { verifyNote } from './signedNote.ts';

export interface EventWithProof {
  readonly id?: unknown;
  readonly at?: unknown;
  readonly clientId?: unknown;
  readonly procedureCode?: unknown;
  readonly dossierId?: unknown;
  readonly fields?: unknown;
  readonly denied?: unknown;
  readonly outcome?: unknown;
  readonly inclusion?: {
    readonly leafIndex?: unknown;
    readonly treeSize?: unknown;
    readonly leaf?: unknown;
    readonly hashes?: unknown;
    readonly checkpoint?: unknown;
  } | null;
}

export type InclusionVerdict =
  | {
      readonly ok: true;
      readonly seq: number;
      readonly treeSize: number;
      readonly origin: string;
      readonly kid: string;
    }
  | { readonly ok: false; readonly reason: string };

const fail = (reason: string): InclusionVerdict => ({ ok: false, reason });
const isBase64List = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string');

/** The members of the event a reader saw that the leaf must show the same. */
const SHOWN = ['at', 'clientId', 'procedureCode', 'dossierId', 'fields', 'denied', 'outcome'] as const;

export function checkInclusion(event: EventWithProof, keys: readonly JWK[]): InclusionVerdict {
  const proof = event.inclusion;
  if (!proof) return fail('the event has no inclusion proof yet (no checkpoint covered it when it was read)');
  const { leafIndex, treeSize, leaf, hashes, checkpoint } = proof;
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize))
    return fail('malformed proof: index or size');
  if (typeof leaf !== 'string' || !isBase64List(hashes) || typeof checkpoint !== 'string') {
    return fail('malformed proof: leaf, hashes or checkpoint');
  }
  const signed = verifyNote(checkpoint, keys);
  if ('reason' in signed) return fail(`checkpoint: ${signed.reason}`);
  if (signed.checkpoint.size !== treeSize)
    return fail('the proof is for another tree size than its checkpoint');
  const leafBytes = Buffer.from(leaf, 'base64');
  const root = rootFromInclusion(
    leafIndex as number,
    treeSize as number,
    leafHash(leafBytes),
    hashes.map((h) => Buffer.from(h, 'base64')),
  );
  if (!root?.equals(signed.checkpoint.root)) return fail('the proof does not lead to the signed root');
  const view = readLeaf(leafBytes);
  if (!view) return fail('the leaf is not an audit record');
  if (view.seq !== (leafIndex as number) + 1 || String(view.seq) !== String(event.id)) {
    return fail('the leaf is another record than the event');
  }
  for (const member of SHOWN) {
    if (event[member] === undefined) continue;
    if (JSON.stringify(event[member]) !== JSON.stringify(view[member])) {
      return fail(`the event's ${member} differs from the record in the log`);
    }
  }
  return {
    ok: true,
    seq: view.seq,
    treeSize: treeSize as number,
    origin: signed.checkpoint.origin,
    kid: signed.kid,
  };
}
