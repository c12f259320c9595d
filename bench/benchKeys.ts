// The benchmark's own keys, in a temporary directory: nothing is shared with `npm start`'s dev keys.
// The client key signs the load's bearer token; the internal key is the one subgraphs trust.
import { createPublicKey, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type JWK, SignJWT } from 'jose';
import { generateSigningJwk, type SigningKey, signingKeyFromJwk, toJwks } from '../lib/keys.ts';
import { FIXTURE_AGENCIES } from '../mocks/dossierFixtures.ts';
import { BENCH_CLIENTS } from './workload.ts';

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
    /** The client registry (CLIENTS_FILE): each client system of the workload and its agency. */
    readonly clients: string;
  };
  readonly internalKey: SigningKey;
  /** Redis cache settings (32-byte keys) for subgraphs started with Redis. */
  readonly cacheEncryptionKeys: string;
  readonly cacheIdHashKey: string;
  /** A client token for the identical-request workload, valid for 50 minutes. */
  readonly clientToken: string;
  /**
   * Tokens signed now, valid for 50 minutes (the gateways refuse tokens older than 1 h, and a full
   * run is longer): one for the identical-request workload and one per client system of the
   * workload (BENCH_CLIENTS, same order), with its agency and officer.
   */
  freshTokens(): Promise<{ readonly single: string; readonly clients: readonly string[] }>;
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
    clients: join(dir, 'clients.json'),
  };
  await writeFile(
    files.clients,
    JSON.stringify(
      [
        { id: 'bench.client', agencyName: 'bench', agency: FIXTURE_AGENCIES.canThoCommune },
        ...BENCH_CLIENTS,
      ].map((client) => ({
        clientId: client.id,
        name: client.agencyName,
        agencies: [client.agency],
        levels: ['commune', 'province', 'ministry'],
        procedures: [],
      })),
    ),
  );
  await writeFile(files.clientJwks, JSON.stringify(toJwks([client.publicJwk])));
  const pem = createPublicKey({ key: client.publicJwk as JWK & { kty: string }, format: 'jwk' });
  await writeFile(files.clientPublicPem, pem.export({ type: 'spki', format: 'pem' }) as string);
  await writeFile(files.internal, JSON.stringify(internalJwk));
  await writeFile(files.internalJwks, JSON.stringify(toJwks([internalKey.publicJwk])));
  await writeFile(files.attestation, JSON.stringify(await generateSigningJwk('EdDSA', 'bench-attestation')));
  await writeFile(files.audit, JSON.stringify(await generateSigningJwk('EdDSA', 'bench-audit')));
  const sign = (subject: string, claims: Record<string, string>, now = Math.floor(Date.now() / 1000)) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: client.alg, kid: client.kid, typ: 'at+jwt' })
      .setIssuer(BENCH_ISSUER)
      .setAudience(BENCH_AUDIENCE)
      .setSubject(subject)
      .setIssuedAt(now)
      .setExpirationTime(now + 3_000)
      .sign(client.privateKey);
  const freshTokens = async () => ({
    // The identical workload's client, acting for the commune that received the example dossier.
    single: await sign('bench.client', {
      scope: READ_SCOPES.join(' '),
      agency: FIXTURE_AGENCIES.canThoCommune,
    }),
    clients: await Promise.all(
      BENCH_CLIENTS.map((c, i) =>
        sign(c.id, {
          scope: [...READ_SCOPES, 'results:issue'].join(' '),
          agency: c.agency,
          officer: `bench-officer-${i + 1}`,
        }),
      ),
    ),
  });
  const clientToken = (await freshTokens()).single;
  return {
    dir,
    files,
    internalKey,
    cacheEncryptionKeys: `b1:${randomBytes(32).toString('base64')}`,
    cacheIdHashKey: randomBytes(32).toString('base64'),
    clientToken,
    freshTokens,
  };
}
