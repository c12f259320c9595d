// Encryption of cached records and hashing of ids in keys. A dump of Redis must reveal no citizen's
// name, date of birth or address, and its keys no citizen id: values are AES-256-GCM sealed with the key
// id in clear (so that keys can rotate: old values still open while new writes use the current key), and
// ids appear in keys only as a keyed hash (a 12-digit id has 10^12 values, so an unkeyed hash would fall
// to enumeration). The Redis key is the GCM associated data: a value copied under another key won't open.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface CacheEncryption {
  /** Encryption keys by key id; each 32 bytes. Keep old kids until their values have expired. */
  readonly keys: Readonly<Record<string, Buffer>>;
  /** The kid new values are sealed with. */
  readonly currentKid: string;
  /**
   * Secret for hashing ids in keys (32 bytes). It must outlive key rotation, so set it explicitly;
   * default: derived from the current key, which makes every cached key change when the current kid does.
   */
  readonly idHashKey?: Buffer;
}

export interface RecordSealer {
  seal(plaintext: Buffer, aad: string): Buffer;
  /** The plaintext, or undefined when the value is malformed, its kid unknown or its tag wrong. */
  open(sealed: Buffer, aad: string): Buffer | undefined;
  /** Keyed hash of an id for use in keys: bucket (0-255) and a 128-bit base64url digest. */
  hashId(id: string): { bucket: number; digest: string };
}

const FORMAT = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KID_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;

export function validateEncryption(encryption: CacheEncryption): void {
  const kids = Object.keys(encryption.keys);
  if (kids.length === 0) throw new Error('cache encryption needs at least one key');
  for (const kid of kids) {
    if (!KID_PATTERN.test(kid)) throw new Error('a cache key id is 1-32 letters, digits, ".", "_" or "-"');
    if (encryption.keys[kid]?.length !== 32) throw new Error(`cache key "${kid}" must be 32 bytes`);
  }
  if (!encryption.keys[encryption.currentKid]) {
    throw new Error(`current cache key id "${encryption.currentKid}" is not among the keys`);
  }
  if (encryption.idHashKey !== undefined && encryption.idHashKey.length < 32) {
    throw new Error('the cache id hash key must be at least 32 bytes');
  }
}

export function createRecordSealer(encryption: CacheEncryption): RecordSealer {
  validateEncryption(encryption);
  const current = encryption.keys[encryption.currentKid] as Buffer;
  const kidBytes = Buffer.from(encryption.currentKid, 'ascii');
  const idHashKey =
    encryption.idHashKey ??
    Buffer.from(hkdfSync('sha256', current, Buffer.alloc(0), 'lienthong cache id hash', 32));
  return {
    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const header = Buffer.from([FORMAT, kidBytes.length]);
      return Buffer.concat([header, kidBytes, iv, cipher.getAuthTag(), body]);
    },
    open(sealed, aad) {
      if (sealed.length < 2 || sealed[0] !== FORMAT) return undefined;
      const kidEnd = 2 + (sealed[1] as number);
      const kid = sealed.subarray(2, kidEnd).toString('ascii');
      const key = Object.hasOwn(encryption.keys, kid) ? encryption.keys[kid] : undefined;
      if (!key || sealed.length < kidEnd + IV_BYTES + TAG_BYTES) return undefined;
      const iv = sealed.subarray(kidEnd, kidEnd + IV_BYTES);
      const tag = sealed.subarray(kidEnd + IV_BYTES, kidEnd + IV_BYTES + TAG_BYTES);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([
          decipher.update(sealed.subarray(kidEnd + IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]);
      } catch {
        return undefined;
      }
    },
    hashId(id) {
      const mac = createHmac('sha256', idHashKey).update(id, 'utf8').digest();
      return { bucket: mac[0] as number, digest: mac.subarray(1, 17).toString('base64url') };
    },
  };
}

/** The kid a sealed value was written with (for tests and rotation reports); undefined if malformed. */
export function kidOf(sealed: Buffer): string | undefined {
  if (sealed.length < 2 || sealed[0] !== FORMAT) return undefined;
  return sealed.subarray(2, 2 + (sealed[1] as number)).toString('ascii');
}
