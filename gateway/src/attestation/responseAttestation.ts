// Response attestation (DESIGN.md "Response attestation"): every successful data response carries
// X-Lienthong-Attestation, a compact JWS by the gateway over the SHA-256 of the exact body bytes and
// the request's identity and purpose. The receiving office can later prove that this data came from
// the national databases, for this dossier, through this gateway (the idea of X-Road's request hash).
import { createHash } from 'node:crypto';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { signCompact } from '../../../lib/compactJws.ts';
import type { SigningKey } from '../../../lib/keys.ts';

export const ATTESTATION_HEADER = 'x-lienthong-attestation';
const TYP = 'lienthong-attestation+jws';

export interface AttestationClaims {
  /** Hex SHA-256 of the exact response body. */
  readonly sha256: string;
  readonly rid: string;
  readonly sub: string;
  readonly procedure: string | null;
  readonly dossier: string | null;
  /** Epoch seconds. */
  readonly iat: number;
}

export interface AttestationInput {
  readonly body: string | Buffer;
  readonly requestId: string;
  readonly clientId: string;
  readonly procedureCode: string | undefined;
  readonly dossierId: string | undefined;
  readonly now?: Date;
}

export function attestResponse(key: SigningKey, input: AttestationInput): string {
  const claims: AttestationClaims = {
    sha256: createHash('sha256').update(input.body).digest('hex'),
    rid: input.requestId,
    sub: input.clientId,
    procedure: input.procedureCode ?? null,
    dossier: input.dossierId ?? null,
    iat: Math.floor((input.now ?? new Date()).getTime() / 1000),
  };
  return signCompact(key, TYP, JSON.stringify(claims));
}

export type AttestationVerdict =
  | { readonly valid: true; readonly kid: string; readonly claims: AttestationClaims }
  | { readonly valid: false; readonly reason: string };

/** Checks an attestation against the gateway's published keys and the body as received. */
export async function verifyAttestation(
  attestation: string,
  body: string | Buffer,
  jwks: JSONWebKeySet,
): Promise<AttestationVerdict> {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(attestation);
    kid = header.kid;
    if (header.typ !== TYP) return { valid: false, reason: 'not a lienthong response attestation (typ)' };
  } catch {
    return { valid: false, reason: 'not a compact JWS' };
  }
  let claims: AttestationClaims;
  try {
    const { payload } = await compactVerify(attestation, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA', 'ES256'],
    });
    claims = JSON.parse(new TextDecoder().decode(payload)) as AttestationClaims;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWKS_NO_MATCHING_KEY')
      return { valid: false, reason: 'signed by a key that is not published' };
    if (code === 'ERR_JOSE_ALG_NOT_ALLOWED') return { valid: false, reason: 'algorithm not allowed' };
    return { valid: false, reason: 'signature does not verify' };
  }
  const digest = createHash('sha256').update(body).digest('hex');
  if (claims.sha256 !== digest) return { valid: false, reason: 'the body differs from the one attested' };
  return { valid: true, kid: kid ?? '', claims };
}
