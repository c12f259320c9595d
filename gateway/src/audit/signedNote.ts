// Checkpoints as C2SP signed notes ("tlog-checkpoint"): the body is `<origin>\n<size>\n<base64 root>\n`,
// followed by a blank line and one line per signature, `— <key name> <base64(key id ‖ signature)>`.
// The gateway signs with its Ed25519 audit key, named by its JWKS `kid`; a witness adds a cosignature
// (C2SP "tlog-cosignature": key id ‖ 8-byte big-endian time ‖ signature over
// `cosignature/v1\ntime <t>\n<body>`). Key ids are the first 4 bytes of SHA-256(name ‖ "\n" ‖ type ‖
// public key), type 0x01 for Ed25519 note keys and 0x04 for cosignature keys.
import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import type { JWK } from 'jose';

const SIGNATURE_PREFIX = '\u2014 ';
const ED25519_NOTE = 0x01;
const ED25519_COSIGNATURE = 0x04;

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Buffer;
}

export interface NoteSigner {
  readonly name: string;
  readonly publicKey: Buffer;
  readonly privateKey: KeyObject | CryptoKey;
}

export function checkpointBody({ origin, size, root }: Checkpoint): string {
  return `${origin}\n${size}\n${root.toString('base64')}\n`;
}

export function keyId(name: string, type: number, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(`${name}\n`, 'utf8')
    .update(Buffer.of(type))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

const validName = (name: string) => name.length > 0 && !/[\s+]/.test(name);

// jose imports keys as WebCrypto keys; node:crypto signs with KeyObjects.
const toKeyObject = (key: KeyObject | CryptoKey): KeyObject =>
  key instanceof KeyObject ? key : KeyObject.from(key);

/** Signs a checkpoint body; the result is the whole note. */
export function signNote(body: string, signer: NoteSigner): string {
  if (!validName(signer.name)) throw new Error('a note key name has no spaces or "+"');
  const signature = sign(null, Buffer.from(body, 'utf8'), toKeyObject(signer.privateKey));
  const id = keyId(signer.name, ED25519_NOTE, signer.publicKey);
  return `${body}\n${SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
}

export interface SignatureLine {
  readonly name: string;
  readonly bytes: Buffer;
}

export interface ParsedNote {
  readonly body: string;
  readonly checkpoint: Checkpoint;
  readonly signatures: readonly SignatureLine[];
}

/** Splits a note into body, checkpoint and signature lines; a string naming the fault when malformed. */
export function parseNote(note: string): ParsedNote | string {
  const split = note.indexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return 'not a signed note';
  const body = note.slice(0, split + 1);
  const lines = body.slice(0, -1).split('\n');
  const [origin, sizeText, rootText] = lines;
  if (lines.length < 3 || !origin || !sizeText || !rootText) return 'not a checkpoint';
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText)) return 'tree size is not a number';
  const size = Number(sizeText);
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootText)
    return 'root hash is not 32 bytes of base64';
  const signatures: SignatureLine[] = [];
  for (const line of note.slice(split + 2, -1).split('\n')) {
    if (!line.startsWith(SIGNATURE_PREFIX)) return 'malformed signature line';
    const [name, value, extra] = line.slice(SIGNATURE_PREFIX.length).split(' ');
    if (!name || !value || extra !== undefined) return 'malformed signature line';
    signatures.push({ name, bytes: Buffer.from(value, 'base64') });
  }
  if (signatures.length === 0) return 'no signature';
  return { body, checkpoint: { origin, size, root }, signatures };
}

/** The raw Ed25519 public key of an OKP JWK, or undefined for any other key. */
export function ed25519PublicKey(jwk: JWK): Buffer | undefined {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') return undefined;
  const raw = Buffer.from(jwk.x, 'base64url');
  return raw.length === 32 ? raw : undefined;
}

const publicKeyObject = (raw: Buffer) =>
  createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });

/**
 * Verifies the signature of the key named `kid` among `keys` (a JWKS's keys) on a note. Returns the
 * checkpoint, or why it is not valid.
 */
export function verifyNote(
  note: string,
  keys: readonly JWK[],
): { checkpoint: Checkpoint; kid: string; body: string } | { reason: string } {
  const parsed = parseNote(note);
  if (typeof parsed === 'string') return { reason: parsed };
  for (const line of parsed.signatures) {
    const jwk = keys.find((k) => k.kid === line.name);
    const raw = jwk ? ed25519PublicKey(jwk) : undefined;
    if (!raw || line.bytes.length !== 68) continue;
    if (!line.bytes.subarray(0, 4).equals(keyId(line.name, ED25519_NOTE, raw))) continue;
    const ok = verify(null, Buffer.from(parsed.body, 'utf8'), publicKeyObject(raw), line.bytes.subarray(4));
    if (!ok) return { reason: `signature by ${line.name} does not verify` };
    return { checkpoint: parsed.checkpoint, kid: line.name, body: parsed.body };
  }
  return { reason: 'signed by a key not in the JWKS' };
}

const cosignedMessage = (body: string, time: number) => `cosignature/v1\ntime ${time}\n${body}`;

/** A witness's cosignature line over a checkpoint body, at `time` (epoch seconds). */
export function cosignatureLine(body: string, signer: NoteSigner, time: number): string {
  const stamp = Buffer.alloc(8);
  stamp.writeBigUInt64BE(BigInt(time));
  const signature = sign(
    null,
    Buffer.from(cosignedMessage(body, time), 'utf8'),
    toKeyObject(signer.privateKey),
  );
  const id = keyId(signer.name, ED25519_COSIGNATURE, signer.publicKey);
  return `${SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([id, stamp, signature]).toString('base64')}\n`;
}

/** The time of a valid cosignature by (name, publicKey) on the note, or undefined. */
export function verifyCosignature(note: string, name: string, publicKey: Buffer): number | undefined {
  const parsed = parseNote(note);
  if (typeof parsed === 'string') return undefined;
  const id = keyId(name, ED25519_COSIGNATURE, publicKey);
  for (const line of parsed.signatures) {
    if (line.name !== name || line.bytes.length !== 76 || !line.bytes.subarray(0, 4).equals(id)) continue;
    const time = Number(line.bytes.readBigUInt64BE(4));
    const message = Buffer.from(cosignedMessage(parsed.body, time), 'utf8');
    if (verify(null, message, publicKeyObject(publicKey), line.bytes.subarray(12))) return time;
  }
  return undefined;
}
