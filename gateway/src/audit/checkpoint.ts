// Signed checkpoints: a compact JWS by a gateway's audit key over the chain head. Whoever can rewrite
// the table can recompute every hash, but cannot forge these signatures, so a rewrite shows at the
// next checkpoint. Verification takes a JWKS with every key that ever signed (rotated keys included).
import { CompactSign, compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { SigningKey } from '../../../lib/keys.ts';
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

/** Signs the head and records it; runs inside the writer's transaction, which holds the head lock. */
export async function writeCheckpoint(
  tx: SqlExecutor,
  key: SigningKey,
  head: { seq: number; hash: string },
  now: Date,
): Promise<void> {
  const jws = await signCheckpoint(key, {
    seq: head.seq,
    count: head.seq,
    hash: head.hash,
    iat: Math.floor(now.getTime() / 1000),
  });
  await tx.query('INSERT INTO audit_checkpoints (seq, at, kid, jws) VALUES ($1, $2, $3, $4)', [
    head.seq,
    now,
    key.kid,
    jws,
  ]);
  await tx.query('UPDATE audit_head SET checkpoint_seq = $1', [head.seq]);
}
