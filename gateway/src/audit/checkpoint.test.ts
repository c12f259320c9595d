import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateSigningJwk, signingKeyFromJwk, toJwks } from '../../../lib/keys.ts';
import { CHECKPOINT_TYP, localKeySet, signCheckpoint, verifyCheckpoint } from './checkpoint.ts';

const payload = { seq: 3, count: 3, hash: 'a'.repeat(64), iat: 1_700_000_000 };

describe('legacy JWS checkpoints', () => {
  it('verify when signed as checkpoints by a published key', async () => {
    const key = await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'audit-1'));
    const keys = localKeySet(toJwks([key.publicJwk]));
    expect(await verifyCheckpoint(await signCheckpoint(key, payload), keys)).toEqual({ payload });
  });

  it('attack: another signature of the same key, not typed as a checkpoint, is not one', async () => {
    // The audit key's signature over the same bytes, with another typ (or none): a signature made for
    // another purpose must never stand in for a checkpoint.
    const key = await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'audit-1'));
    const keys = localKeySet(toJwks([key.publicJwk]));
    const bytes = new TextEncoder().encode(JSON.stringify(payload));
    for (const header of [
      { alg: key.alg, kid: key.kid },
      { alg: key.alg, kid: key.kid, typ: 'JWT' },
      { alg: key.alg, kid: key.kid, typ: `${CHECKPOINT_TYP}x` },
    ]) {
      const jws = await new CompactSign(bytes).setProtectedHeader(header).sign(key.privateKey);
      expect(await verifyCheckpoint(jws, keys)).toEqual({ reason: 'not a checkpoint signature' });
    }
  });
});
