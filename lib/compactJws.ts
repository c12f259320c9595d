// Compact JWS (RFC 7515 §7.1) signed with node:crypto, for the signatures made on every request: the
// internal token of each subgraph request and the response attestation. jose signs through WebCrypto,
// which here costs 90–150 µs of CPU per Ed25519 signature against about 40 µs for node:crypto's
// one-shot sign; at about four signatures per request that was a tenth of the gateway's CPU
// (bench/NOTES.md, "Where the gateway's time goes"). Verification stays with jose, which reads these
// like its own signatures (compactJws.test.ts).
import { constants, KeyObject, type SignKeyObjectInput, sign } from 'node:crypto';
import type { SigningKey } from './keys.ts';

const keyObjects = new WeakMap<object, KeyObject>();

/** jose imports keys as WebCrypto keys; node:crypto signs with KeyObjects. Converted once per key. */
function keyObjectOf(key: SigningKey): KeyObject {
  const source = key.privateKey;
  if (source instanceof KeyObject) return source;
  if (source instanceof Uint8Array || !('algorithm' in source)) {
    throw new Error(`signing key ${key.kid}: expected a CryptoKey or KeyObject`);
  }
  let keyObject = keyObjects.get(source);
  if (!keyObject) {
    keyObject = KeyObject.from(source);
    keyObjects.set(source, keyObject);
  }
  return keyObject;
}

/** node:crypto's digest and signature encoding for each JWS algorithm (RFC 7518 §3, RFC 8037). */
function signer(key: SigningKey): { digest: string | null; input: SignKeyObjectInput } {
  const keyObject = keyObjectOf(key);
  switch (key.alg) {
    case 'EdDSA':
      return { digest: null, input: { key: keyObject } };
    case 'ES256':
      return { digest: 'sha256', input: { key: keyObject, dsaEncoding: 'ieee-p1363' } };
    case 'RS256':
      return { digest: 'sha256', input: { key: keyObject } };
    case 'PS256':
      return {
        digest: 'sha256',
        input: { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      };
  }
}

const base64url = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');

/** `header.payload.signature`, the header carrying the key's `alg` and `kid` and the given `typ`. */
export function signCompact(key: SigningKey, typ: string, payload: string | Uint8Array): string {
  const header = base64url(JSON.stringify({ alg: key.alg, kid: key.kid, typ }));
  const input = `${header}.${base64url(typeof payload === 'string' ? payload : Buffer.from(payload))}`;
  const { digest, input: keyInput } = signer(key);
  return `${input}.${sign(digest, Buffer.from(input), keyInput).toString('base64url')}`;
}
