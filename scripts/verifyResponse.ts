// `npm run verify-response -- --body response.json --attestation <jws> [--jwks jwks.json | --jwks-url URL]`
// Checks offline that a response body is the one the gateway attested. Exit 0 only when it verifies.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { JSONWebKeySet } from 'jose';
import { verifyAttestation } from '../gateway/src/attestation/responseAttestation.ts';
import { loadJwksFile } from '../lib/keys.ts';

const { values } = parseArgs({
  options: {
    body: { type: 'string' },
    attestation: { type: 'string' },
    jwks: { type: 'string' },
    'jwks-url': { type: 'string' },
  },
});

if (!values.body || !values.attestation || (!values.jwks && !values['jwks-url'])) {
  process.stderr.write(
    'usage: npm run verify-response -- --body <file> --attestation <jws> (--jwks <file> | --jwks-url <url>)\n',
  );
  process.exit(2);
}

let jwks: JSONWebKeySet;
if (values.jwks) jwks = await loadJwksFile(values.jwks);
else {
  const response = await fetch(values['jwks-url']!);
  if (!response.ok) {
    process.stderr.write(`could not fetch the keys: HTTP ${response.status}\n`);
    process.exit(2);
  }
  jwks = (await response.json()) as JSONWebKeySet;
}

const body = await readFile(values.body);
const verdict = await verifyAttestation(values.attestation.trim(), body, jwks);
if (verdict.valid) {
  const { claims } = verdict;
  process.stdout.write(
    `valid: key ${verdict.kid}, request ${claims.rid}, client ${claims.sub}, procedure ${claims.procedure ?? '-'}, ` +
      `dossier ${claims.dossier ?? '-'}, signed ${new Date(claims.iat * 1000).toISOString()}\n`,
  );
  process.exit(0);
}
process.stdout.write(`invalid: ${verdict.reason}\n`);
process.exit(1);
