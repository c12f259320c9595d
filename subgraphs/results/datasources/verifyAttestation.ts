// Checks a result's attestation (the registry's compact JWS over the result) and reads what it attests.
// Anything that is not a well-formed token signed by a registry key is an answer (valid: false with a
// reason), never an exception: the caller may paste anything.
import { compactVerify, decodeProtectedHeader } from 'jose';
import { UpstreamError } from '../../common/upstreamClient.ts';
import type { KeyResolver } from './registryKeys.ts';

export type InvalidReason =
  | 'MALFORMED'
  | 'ALGORITHM_NOT_ALLOWED'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE'
  | 'EXPIRED'
  | 'KEYS_UNAVAILABLE';

export interface ResultClaims {
  readonly code: string | null;
  readonly procedureCode: string | null;
  readonly title: string | null;
  readonly agencyCode: string | null;
  readonly issuedAt: string | null;
  readonly validUntil: string | null;
  readonly status: string | null;
  readonly subjectKind: string | null;
  readonly subjectId: string | null;
  readonly documentSha256: string | null;
}

export interface AttestationCheck {
  readonly valid: boolean;
  readonly reason: InvalidReason | null;
  readonly keyId: string | null;
  readonly signedAt: string | null;
  /** Present only when the signature checks out. */
  readonly claims: ResultClaims | null;
}

/** The registry's algorithms; anything else (none, HS*) is refused before a key is looked up. */
export const REGISTRY_ALGORITHMS = ['EdDSA', 'ES256', 'RS256', 'PS256'];
/** Far above any real attestation; keeps a pasted megabyte from being parsed. */
export const MAX_ATTESTATION_LENGTH = 16_384;

export const RESULT_STATUS: Readonly<Record<string, string>> = {
  CON_HIEU_LUC: 'VALID',
  HET_HIEU_LUC: 'EXPIRED',
  DA_THU_HOI: 'REVOKED',
  DA_THAY_THE: 'SUPERSEDED',
};
export const SUBJECT_KIND: Readonly<Record<string, string>> = {
  CONG_DAN: 'CITIZEN',
  DOANH_NGHIEP: 'ENTERPRISE',
};

const invalid = (reason: InvalidReason, keyId: string | null = null): AttestationCheck => ({
  valid: false,
  reason,
  keyId,
  signedAt: null,
  claims: null,
});

export async function verifyAttestation(
  attestation: string,
  getKey: KeyResolver,
  now: () => number = Date.now,
): Promise<AttestationCheck> {
  if (attestation.length > MAX_ATTESTATION_LENGTH || attestation.split('.').length !== 3)
    return invalid('MALFORMED');
  let keyId: string | null;
  try {
    const header = decodeProtectedHeader(attestation);
    keyId = typeof header.kid === 'string' ? header.kid : null;
    // alg "none" or an HMAC "signed" with a public key: refused before any key is looked up.
    if (typeof header.alg !== 'string' || !REGISTRY_ALGORITHMS.includes(header.alg))
      return invalid('ALGORITHM_NOT_ALLOWED', keyId);
  } catch {
    return invalid('MALFORMED');
  }
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(attestation, getKey, { algorithms: REGISTRY_ALGORITHMS }));
  } catch (error) {
    return invalid(reasonOf(error), keyId);
  }
  const body = parseObject(payload);
  if (!body) return invalid('MALFORMED', keyId);
  const signedAt = typeof body['iat'] === 'number' ? new Date(body['iat'] * 1000).toISOString() : null;
  const expired = typeof body['exp'] === 'number' && body['exp'] * 1000 < now();
  return { valid: !expired, reason: expired ? 'EXPIRED' : null, keyId, signedAt, claims: toClaims(body) };
}

function reasonOf(error: unknown): InvalidReason {
  if (error instanceof UpstreamError) return 'KEYS_UNAVAILABLE';
  switch ((error as { code?: string }).code) {
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'UNKNOWN_KEY';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'BAD_SIGNATURE';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'ALGORITHM_NOT_ALLOWED';
    default:
      return 'MALFORMED';
  }
}

function parseObject(payload: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(payload));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The registry signs its own (Vietnamese) field names; the English ones are read as a fallback. */
export function toClaims(body: Record<string, unknown>): ResultClaims {
  const agency = (body['coQuanCap'] ?? {}) as Record<string, unknown>;
  const subject = (body['doiTuong'] ?? {}) as Record<string, unknown>;
  const status = text(body['trangThai']);
  const kind = text(subject['loai']);
  return {
    code: text(body['maKetQua'] ?? body['code']),
    procedureCode: text(body['maThuTuc'] ?? body['procedureCode']),
    title: text(body['trichYeu'] ?? body['title']),
    agencyCode: text(agency['ma']),
    issuedAt: text(body['ngayCap'] ?? body['issuedAt']),
    validUntil: text(body['coGiaTriDen'] ?? body['validUntil']),
    status: status === null ? null : (RESULT_STATUS[status] ?? status),
    subjectKind: kind === null ? null : (SUBJECT_KIND[kind] ?? kind),
    subjectId: text(subject['ma']),
    documentSha256: text(body['maBamTaiLieu'] ?? body['documentSha256']),
  };
}
