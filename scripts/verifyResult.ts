// `npm run verify-result -- <attestation> [--jwks registry-jwks.json | --jwks-url URL]`
// Checks an issued result's attestation (the registry's JWS) offline, with the registry's published
// keys only: for a receiving office with no connection. It tells what the registry signed; whether the
// result was revoked since can only be asked online (verifyIssuedResult's currentStatus).
// Exit 0 when the signature is valid, 1 when it is not, 2 on a usage or key-loading problem.
import { parseArgs } from 'node:util';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { loadJwksFile } from '../lib/keys.ts';
import { defaultMockPort } from '../lib/topology.ts';
import { verifyAttestation } from '../subgraphs/results/datasources/verifyAttestation.ts';

const USAGE =
  'usage: npm run verify-result -- <attestation> [--jwks <file> | --jwks-url <url>]\n' +
  `       (default keys: the dev registry's, http://127.0.0.1:${defaultMockPort('results')}/.well-known/jwks.json)\n`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { jwks: { type: 'string' }, 'jwks-url': { type: 'string' }, help: { type: 'boolean' } },
});
const attestation = positionals[0]?.trim();
if (values.help || !attestation || positionals.length > 1 || (values.jwks && values['jwks-url'])) {
  process.stderr.write(USAGE);
  process.exit(2);
}

async function loadKeys(): Promise<JSONWebKeySet> {
  if (values.jwks) return loadJwksFile(values.jwks);
  const url = values['jwks-url'] ?? `http://127.0.0.1:${defaultMockPort('results')}/.well-known/jwks.json`;
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
  return (await response.json()) as JSONWebKeySet;
}

let keys: ReturnType<typeof createLocalJWKSet>;
try {
  keys = createLocalJWKSet(await loadKeys());
} catch (error) {
  process.stderr.write(`could not load the registry's keys: ${(error as Error).message}\n`);
  process.exit(2);
}

const check = await verifyAttestation(attestation, keys);
if (!check.valid) {
  process.stdout.write(`invalid: ${check.reason}${check.keyId ? ` (key ${check.keyId})` : ''}\n`);
  process.exit(1);
}
const claims = check.claims!;
process.stdout.write(
  [
    `valid: signed by the registry's key ${check.keyId ?? '-'} at ${check.signedAt ?? '-'}`,
    `  result     ${claims.code} (${claims.procedureCode}) ${claims.title ?? ''}`,
    `  agency     ${claims.agencyCode}`,
    `  subject    ${claims.subjectKind} ${claims.subjectId}`,
    `  issued     ${claims.issuedAt}${claims.validUntil ? `, valid until ${claims.validUntil}` : ''}`,
    `  status     ${claims.status} when signed (ask verifyIssuedResult online for the current status)`,
    `  document   sha256 ${claims.documentSha256}`,
    '',
  ].join('\n'),
);
