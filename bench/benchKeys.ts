// The benchmark's own keys, in a temporary directory: nothing is shared with `npm start`'s dev keys.
// The client key signs the load's bearer token; the internal key is the one subgraphs trust.
import { createPublicKey, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type JWK, SignJWT } from 'jose';
import { generateSigningJwk, type SigningKey, signingKeyFromJwk, toJwks } from '../lib/keys.ts';

export const BENCH_ISSUER = 'https://idp.bench/lienthong';
export const BENCH_AUDIENCE = 'lienthong';
export const UPSTREAM_API_KEY = 'bench-upstream-key';
/** Every read scope of the contract: the operations read all five sources. */
export const READ_SCOPES = [
  'population:read',
  'business:read',
  'insurance:read',
  'land:read',
  'results:read',
] as const;
/** A procedure of the registry entitled to every read scope, and a dossier id of the right shape. */
export const BENCH_PROCEDURE = '1.003005';
export const BENCH_DOSSIER = 'H92.31-251121-0042';

export interface BenchKeys {
  readonly dir: string;
  readonly files: {
    readonly clientJwks: string;
    readonly clientPublicPem: string;
    readonly internal: string;
    readonly internalJwks: string;
    readonly attestation: string;
    readonly audit: string;
  };
  readonly internalKey: SigningKey;
  /** Redis cache settings (32-byte keys) for subgraphs started with Redis. */
  readonly cacheEncryptionKeys: string;
  readonly cacheIdHashKey: string;
  /** A client token valid for the whole run (the gateways' default max token age is 1 h). */
  readonly clientToken: string;
}

export async function createBenchKeys(dir: string): Promise<BenchKeys> {
  const clientJwk = await generateSigningJwk('ES256', 'bench-client');
  const client = await signingKeyFromJwk(clientJwk);
  const internalJwk = await generateSigningJwk('EdDSA', 'bench-internal');
  const internalKey = await signingKeyFromJwk(internalJwk);
  const files = {
    clientJwks: join(dir, 'client.jwks.json'),
    clientPublicPem: join(dir, 'client.pem'),
    internal: join(dir, 'internal.jwk.json'),
    internalJwks: join(dir, 'internal.jwks.json'),
    attestation: join(dir, 'attestation.jwk.json'),
    audit: join(dir, 'audit.jwk.json'),
  };
  await writeFile(files.clientJwks, JSON.stringify(toJwks([client.publicJwk])));
  const pem = createPublicKey({ key: client.publicJwk as JWK & { kty: string }, format: 'jwk' });
  await writeFile(files.clientPublicPem, pem.export({ type: 'spki', format: 'pem' }) as string);
  await writeFile(files.internal, JSON.stringify(internalJwk));
  await writeFile(files.internalJwks, JSON.stringify(toJwks([internalKey.publicJwk])));
  await writeFile(files.attestation, JSON.stringify(await generateSigningJwk('EdDSA', 'bench-attestation')));
  await writeFile(files.audit, JSON.stringify(await generateSigningJwk('EdDSA', 'bench-audit')));
  const now = Math.floor(Date.now() / 1000);
  const clientToken = await new SignJWT({ scope: READ_SCOPES.join(' ') })
    .setProtectedHeader({ alg: client.alg, kid: client.kid, typ: 'at+jwt' })
    .setIssuer(BENCH_ISSUER)
    .setAudience(BENCH_AUDIENCE)
    .setSubject('bench.client')
    .setIssuedAt(now)
    .setExpirationTime(now + 3_000)
    .sign(client.privateKey);
  return {
    dir,
    files,
    internalKey,
    cacheEncryptionKeys: `b1:${randomBytes(32).toString('base64')}`,
    cacheIdHashKey: randomBytes(32).toString('base64'),
    clientToken,
  };
}
