// Signing keys on disk as JWK files. In dev mode (LIENTHONG_DEV=1) missing keys are generated under
// data/keys/; in production every key file is configured and must exist.
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, type SignJWT } from 'jose';

/** A private key as jose signs with it. */
export type PrivateKey = Parameters<SignJWT['sign']>[0];

export type SigningAlgorithm = 'EdDSA' | 'ES256' | 'RS256' | 'PS256';

export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: PrivateKey;
  /** The public half, with kid, alg and use, ready for a JWKS. */
  readonly publicJwk: JWK;
}

/** Where dev mode keeps its generated keys: $DATA_DIR/keys (`npm start` sets DATA_DIR), default data/keys. */
export const DEV_KEY_DIR = join(process.env['DATA_DIR'] || join(process.cwd(), 'data'), 'keys');

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

export function publicJwkOf(jwk: JWK): JWK {
  const copy: Record<string, unknown> = { ...jwk };
  for (const member of PRIVATE_MEMBERS) delete copy[member];
  delete copy['key_ops'];
  return copy as JWK;
}

export async function signingKeyFromJwk(jwk: JWK): Promise<SigningKey> {
  if (typeof jwk.kid !== 'string' || typeof jwk.alg !== 'string' || jwk.d === undefined) {
    throw new Error('a private JWK with "kid", "alg" and "d"');
  }
  const privateKey = (await importJWK(jwk, jwk.alg)) as PrivateKey;
  return {
    kid: jwk.kid,
    alg: jwk.alg as SigningAlgorithm,
    privateKey,
    publicJwk: { ...publicJwkOf(jwk), use: 'sig' },
  };
}

export async function loadSigningKey(file: string): Promise<SigningKey> {
  const jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
  return signingKeyFromJwk(jwk);
}

export async function generateSigningJwk(alg: SigningAlgorithm, kid: string = randomUUID()): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    crv: alg === 'EdDSA' ? 'Ed25519' : undefined,
  });
  return { ...(await exportJWK(privateKey)), kid, alg };
}

/** Loads data/keys/<name>.private.jwk.json, creating it (and <name>.jwks.json) when missing. */
export async function ensureDevKey(
  name: string,
  alg: SigningAlgorithm,
  dir: string = DEV_KEY_DIR,
): Promise<SigningKey> {
  const file = join(dir, `${name}.private.jwk.json`);
  try {
    return await loadSigningKey(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const jwk = await generateSigningJwk(alg, `${name}-${randomUUID().slice(0, 8)}`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(jwk, null, 2), { mode: 0o600, flag: 'wx' }).catch(
    async (error: unknown) => {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    },
  );
  await chmod(file, 0o600);
  const key = await loadSigningKey(file);
  await writeFile(join(dir, `${name}.jwks.json`), JSON.stringify(toJwks([key.publicJwk]), null, 2));
  return key;
}

export function toJwks(keys: readonly JWK[]): JSONWebKeySet {
  return { keys: keys.map((k) => ({ ...k })) };
}

export async function loadJwksFile(file: string): Promise<JSONWebKeySet> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as JSONWebKeySet;
  if (!Array.isArray(parsed.keys)) throw new Error(`${file} is not a JWKS (no "keys" array)`);
  for (const key of parsed.keys) {
    if ('d' in key) throw new Error(`${file} holds a private key; a JWKS must hold public keys only`);
  }
  return parsed;
}
