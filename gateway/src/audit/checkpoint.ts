// Signed checkpoints. Whoever can rewrite the table can recompute every hash, but cannot forge these
// signatures, so a rewrite shows at the next checkpoint. Since the Merkle tree (migration 002) they are
// signed notes over the tree head (signedNote.ts); the compact JWS over the chain head that earlier
// versions wrote still verifies. Verification takes a JWKS with every key that ever signed.
import { CompactSign, compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { SigningKey } from '../../../lib/keys.ts';
import { checkpointBody, ed25519PublicKey, type NoteSigner, signNote } from './signedNote.ts';
import type { SqlExecutor } from './sqlDatabase.ts';

/** The JWS `typ`, so a checkpoint cannot be confused with another of the gateway's signatures. */
export const CHECKPOINT_TYP = 'lienthong-audit-checkpoint+jws';

export interface CheckpointPayload {
  /** Sequence number of the chain head; equals the number of records, seqs being dense from 1. */
  readonly seq: number;
  readonly count: number;
  /** Hash of the record at `seq`. */
  readonly hash: string;
  /** Signing time, epoch seconds. */
  readonly iat: number;
}

export async function signCheckpoint(key: SigningKey, payload: CheckpointPayload): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: CHECKPOINT_TYP })
    .sign(key.privateKey);
}

/** Returns the payload, or a reason (no personal data) why the checkpoint is not valid. */
export async function verifyCheckpoint(
  jws: string,
  keys: ReturnType<typeof createLocalJWKSet>,
): Promise<{ payload: CheckpointPayload } | { reason: string }> {
  try {
    const { payload, protectedHeader } = await compactVerify(jws, keys, {
      algorithms: ['EdDSA', 'ES256', 'RS256', 'PS256'],
    });
    if (protectedHeader.typ !== CHECKPOINT_TYP) return { reason: 'not a checkpoint signature' };
    const parsed = JSON.parse(new TextDecoder().decode(payload)) as Partial<CheckpointPayload>;
    if (!Number.isSafeInteger(parsed.seq) || typeof parsed.hash !== 'string' || parsed.count !== parsed.seq) {
      return { reason: 'malformed checkpoint payload' };
    }
    return { payload: parsed as CheckpointPayload };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWKS_NO_MATCHING_KEY') return { reason: 'signed by a key not in the JWKS' };
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return { reason: 'signature does not verify' };
    return { reason: `unreadable checkpoint (${code ?? 'malformed'})` };
  }
}

export const localKeySet = (jwks: JSONWebKeySet) => createLocalJWKSet(jwks);

/** The gateway's audit key as the signer of checkpoint notes: Ed25519, named by its `kid`. */
export function noteSignerOf(key: SigningKey): NoteSigner {
  const publicKey = ed25519PublicKey(key.publicJwk);
  if (key.alg !== 'EdDSA' || !publicKey) {
    throw new Error(
      `the audit key ${key.kid} must be an Ed25519 key (alg EdDSA): checkpoints are signed notes`,
    );
  }
  return { name: key.kid, publicKey, privateKey: key.privateKey as CryptoKey };
}

/** Signs a checkpoint note over the tree head and records it; runs in the writer's transaction, under the head lock. */
export async function writeCheckpoint(
  tx: SqlExecutor,
  signer: NoteSigner,
  origin: string,
  tree: { size: number; root: Buffer },
  now: Date,
): Promise<void> {
  const note = signNote(checkpointBody({ origin, size: tree.size, root: tree.root }), signer);
  await tx.query('INSERT INTO audit_checkpoints (seq, at, kid, note) VALUES ($1, $2, $3, $4)', [
    tree.size,
    now,
    signer.name,
    note,
  ]);
  await tx.query('UPDATE audit_head SET checkpoint_seq = $1', [tree.size]);
}
