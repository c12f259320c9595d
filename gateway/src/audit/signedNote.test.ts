// Signed notes and cosignatures as the C2SP specs shape them: the key hash, the signature over the
// body alone, and what a verifier must refuse.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newKey } from '../../../tests/support/audit/auditTestSupport.ts';
import { noteSignerOf } from './checkpoint.ts';
import {
  checkpointBody,
  cosignatureLine,
  parseNote,
  signNote,
  verifyCosignature,
  verifyNote,
} from './signedNote.ts';

const root = createHash('sha256').update('root').digest();
const body = checkpointBody({ origin: 'lienthong/audit', size: 42, root });

describe('checkpoint notes', () => {
  it('carries the key hash of the signed-note spec: SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key), 4 bytes', async () => {
    const key = await newKey('gateway-audit-1');
    const signer = noteSignerOf(key);
    const note = signNote(body, signer);
    expect(note.startsWith(`${body}\n\u2014 gateway-audit-1 `)).toBe(true);
    const parsed = parseNote(note);
    if (typeof parsed === 'string') throw new Error(parsed);
    const expected = createHash('sha256')
      .update('gateway-audit-1\n')
      .update(Buffer.of(1))
      .update(signer.publicKey)
      .digest()
      .subarray(0, 4);
    expect(parsed.signatures[0]!.bytes.subarray(0, 4)).toEqual(expected);
    expect(verifyNote(note, [key.publicJwk])).toMatchObject({
      kid: 'gateway-audit-1',
      checkpoint: { size: 42 },
    });
  });

  it('refuses a changed size, a changed root, another key and a non-Ed25519 audit key', async () => {
    const key = await newKey('gateway-audit-1');
    const note = signNote(body, noteSignerOf(key));
    expect(verifyNote(note.replace('\n42\n', '\n43\n'), [key.publicJwk])).toMatchObject({
      reason: expect.stringContaining('does not verify'),
    });
    const otherRoot = createHash('sha256').update('other').digest().toString('base64');
    expect(verifyNote(note.replace(root.toString('base64'), otherRoot), [key.publicJwk])).toHaveProperty(
      'reason',
    );
    const other = await newKey('gateway-audit-1');
    expect(verifyNote(note, [other.publicJwk])).toHaveProperty('reason');
    const { generateSigningJwk, signingKeyFromJwk } = await import('../../../lib/keys.ts');
    const es256 = await signingKeyFromJwk(await generateSigningJwk('ES256', 'ec-key'));
    expect(() => noteSignerOf(es256)).toThrow(/Ed25519/);
  });

  it('refuses malformed notes with a reason', () => {
    for (const text of [
      '',
      'lienthong/audit\n1\n',
      `${body}\n`,
      `${body}\nnot a signature\n`,
      'a\nx\nAAAA\n\n\u2014 k AAAA\n',
    ]) {
      expect(verifyNote(text, [])).toHaveProperty('reason');
    }
  });
});

describe('cosignatures', () => {
  it('verify over the checkpoint body at their time, and not once the body or time changes', async () => {
    const gateway = await newKey('gateway-audit-1');
    const witness = noteSignerOf(await newKey('thanh-tra.witness'));
    const note = signNote(body, noteSignerOf(gateway));
    const cosigned = `${note}${cosignatureLine(body, witness, 1_767_225_600)}`;
    expect(verifyCosignature(cosigned, 'thanh-tra.witness', witness.publicKey)).toBe(1_767_225_600);
    // The gateway's own signature still verifies on the cosigned note.
    expect(verifyNote(cosigned, [gateway.publicJwk])).toHaveProperty('checkpoint');
    expect(
      verifyCosignature(cosigned.replace('\n42\n', '\n43\n'), 'thanh-tra.witness', witness.publicKey),
    ).toBeUndefined();
    const line = cosignatureLine(body, witness, 1_767_225_600).trim().split(' ')[2]!;
    const bytes = Buffer.from(line, 'base64');
    bytes.writeBigUInt64BE(1_767_225_601n, 4);
    const retimed = `${note}\u2014 thanh-tra.witness ${bytes.toString('base64')}\n`;
    expect(verifyCosignature(retimed, 'thanh-tra.witness', witness.publicKey)).toBeUndefined();
  });
});
