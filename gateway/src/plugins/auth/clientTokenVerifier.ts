// Verifies client tokens (DESIGN.md "Client tokens"). Every verification pins the algorithms, the
// issuer of the key set that matched, the audience, the required claims and the clock tolerance;
// header parameters that would point at other keys are refused before any key is looked up.
import { decodeProtectedHeader, type JSONWebKeySet, type JWK, type JWTPayload, jwtVerify } from 'jose';
import { unauthenticated } from '../../../../lib/errors.ts';
import { bearerToken } from '../../../../lib/internalToken.ts';
import { type Logger, silentLogger } from '../../../../lib/logger.ts';
import { ClaimRejected, type ClientIdentity, identityFromClaims } from './clientClaims.ts';
import { buildTrustedKeySets, CLIENT_TOKEN_ALGORITHMS, type TrustedKeySet } from './trustedKeys.ts';

export type { ClientIdentity } from './clientClaims.ts';

export interface ClientTokenVerifierOptions {
  /** Public keys trusted for client tokens (the contents of AUTH_JWKS_FILE); default none. */
  readonly jwks?: JSONWebKeySet | undefined;
  /** AUTH_JWKS_FILE, read once at creation when `jwks` is not given; default none. */
  readonly jwksFile?: string | undefined;
  /** AUTH_JWKS_URL: the issuer's JWKS, fetched on first use and on an unknown kid; default none. */
  readonly jwksUrl?: string | URL | undefined;
  /** Least time between two fetches of `jwksUrl` for unknown kids, in seconds; default 30. */
  readonly jwksCooldownSeconds?: number;
  /** Timeout of one `jwksUrl` fetch, in ms; default 5000. */
  readonly jwksTimeoutMs?: number;
  /** How long fetched keys are used before a refetch, in seconds; default 600. */
  readonly jwksCacheMaxAgeSeconds?: number;
  /** Extra trusted public keys (dev mode's client key); default none. */
  readonly extraKeys?: readonly JWK[] | undefined;
  /** AUTH_ISSUER: the `iss` of tokens signed by the file's or URL's keys; required with them. */
  readonly issuer: string | undefined;
  /** The `iss` of tokens signed by `extraKeys`; default `issuer`. */
  readonly devIssuer?: string | undefined;
  /** AUTH_AUDIENCE: a value the `aud` claim must hold; default "lienthong". */
  readonly audience?: string;
  /** Allowed clock skew for exp, nbf and iat, in seconds; default 30. */
  readonly clockToleranceSeconds?: number;
  /** Longest accepted token lifetime (exp − iat) and age (now − iat), in seconds; default 3600. */
  readonly maxTokenAgeSeconds?: number;
  /** A `typ` header the token must carry (e.g. "at+jwt"); default none required. */
  readonly requiredTyp?: string | undefined;
  /** Current time; default the wall clock. */
  readonly clock?: () => Date;
  /** Where rejections are logged (reason code only); default silent. */
  readonly logger?: Logger;
}

export interface ClientTokenVerifier {
  /** Resolves the identity of a valid `Authorization: Bearer …` header; rejects with UNAUTHENTICATED. */
  verify(authorization: string | undefined): Promise<ClientIdentity>;
}

/** Header parameters that name or carry a key: trusting them would let the token choose its own key. */
const KEY_POINTING_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'];
/** Far above any real token; refuses megabyte-sized garbage before parsing it. */
const MAX_TOKEN_LENGTH = 8192;
/** Errors after which the next key set may still hold the right key. */
const TRY_NEXT_SET = new Set([
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
]);

export function createClientTokenVerifier(options: ClientTokenVerifierOptions): ClientTokenVerifier {
  const sets = buildTrustedKeySets(options);
  const settings: VerifySettings = {
    sets,
    audience: options.audience ?? 'lienthong',
    clockToleranceSeconds: options.clockToleranceSeconds ?? 30,
    maxTokenAgeSeconds: options.maxTokenAgeSeconds ?? 3600,
    requiredTyp: options.requiredTyp,
    clock: options.clock ?? (() => new Date()),
  };
  const logger = (options.logger ?? silentLogger()).child({ module: 'client-token' });
  return {
    async verify(authorization) {
      try {
        return await verifyClientToken(authorization, settings);
      } catch (error) {
        const { reason, message } = classify(error);
        logger.info({ reason }, 'client token rejected');
        throw unauthenticated(message);
      }
    },
  };
}

export interface VerifySettings {
  readonly sets: readonly TrustedKeySet[];
  readonly audience: string;
  readonly clockToleranceSeconds: number;
  readonly maxTokenAgeSeconds: number;
  readonly requiredTyp: string | undefined;
  readonly clock: () => Date;
}

class TokenRejected extends Error {
  override readonly name = 'TokenRejected';
  readonly code: string;
  constructor(code: string) {
    super(code);
    this.code = code;
  }
}

export async function verifyClientToken(
  authorization: string | undefined,
  settings: VerifySettings,
): Promise<ClientIdentity> {
  if (authorization === undefined) throw new TokenRejected('NO_TOKEN');
  if (authorization.length > MAX_TOKEN_LENGTH) throw new TokenRejected('TOKEN_TOO_LONG');
  const token = bearerToken(authorization);
  if (!token) throw new TokenRejected('NOT_BEARER');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new TokenRejected('MALFORMED');
  }
  if (KEY_POINTING_HEADERS.some((name) => name in header)) throw new TokenRejected('KEY_POINTING_HEADER');

  const now = settings.clock();
  let lastError: unknown;
  for (const set of settings.sets) {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, set.keys, {
        algorithms: [...CLIENT_TOKEN_ALGORITHMS],
        issuer: set.issuer,
        audience: settings.audience,
        requiredClaims: ['iss', 'aud', 'exp', 'sub', 'iat'],
        maxTokenAge: settings.maxTokenAgeSeconds,
        clockTolerance: settings.clockToleranceSeconds,
        currentDate: now,
        ...(settings.requiredTyp ? { typ: settings.requiredTyp } : {}),
      }));
    } catch (error) {
      if (!TRY_NEXT_SET.has(codeOf(error))) throw error;
      // A signature failure says more than "no key here" from a later set.
      if (codeOf(lastError) !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') lastError = error;
      continue;
    }
    return identityFromClaims(payload, settings.maxTokenAgeSeconds, now);
  }
  throw lastError ?? new TokenRejected('NO_KEY_SET');
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** Maps a failure to a logged reason and a client message that says what to fix, and nothing more. */
function classify(error: unknown): { reason: string; message: string } {
  if (error instanceof ClaimRejected) {
    return { reason: error.reason, message: 'The bearer token’s claims are not accepted.' };
  }
  const reason = codeOf(error);
  switch (reason) {
    case 'NO_TOKEN':
    case 'NOT_BEARER':
      return { reason, message: 'A valid bearer token is required.' };
    case 'ERR_JWT_EXPIRED':
      return { reason, message: 'The bearer token has expired.' };
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return { reason, message: 'The bearer token’s claims are not accepted.' };
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'KEY_POINTING_HEADER':
    case 'NO_KEY_SET':
      return { reason, message: 'The bearer token is not signed by a trusted key.' };
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'TOKEN_TOO_LONG':
    case 'MALFORMED':
      return { reason, message: 'The bearer token is malformed.' };
    default:
      // Key server unreachable, timed out, or an unexpected failure: the token is not accepted now.
      return { reason, message: 'The bearer token could not be verified.' };
  }
}
