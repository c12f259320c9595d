// The key sets client tokens may be signed with, and the issuer each one vouches for. Checked at
// start: a symmetric or private key in a trusted set is a configuration mistake that would let
// anyone holding it mint tokens, so it stops the process instead of being skipped.
import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { ConfigError } from '../../../../lib/errors.ts';

/** Signature algorithms accepted on client tokens (DESIGN.md "Client tokens"); never none or HS*. */
export const CLIENT_TOKEN_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

export interface TrustedKeySet {
  /** For logs: "file", "dev" or "url". */
  readonly name: string;
  readonly keys: JWTVerifyGetKey;
  /** The `iss` a token verified with these keys must carry. */
  readonly issuer: string;
}

export interface TrustedKeySources {
  readonly jwks?: JSONWebKeySet | undefined;
  readonly jwksFile?: string | undefined;
  readonly jwksUrl?: string | URL | undefined;
  readonly extraKeys?: readonly JWK[] | undefined;
  readonly issuer?: string | undefined;
  readonly devIssuer?: string | undefined;
  readonly jwksCooldownSeconds?: number | undefined;
  readonly jwksTimeoutMs?: number | undefined;
  readonly jwksCacheMaxAgeSeconds?: number | undefined;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const ALLOWED = new Set<string>(CLIENT_TOKEN_ALGORITHMS);

/** Local sets first (no network), then the URL: a token is tried against each in this order. */
export function buildTrustedKeySets(sources: TrustedKeySources): TrustedKeySet[] {
  const sets: TrustedKeySet[] = [];
  const problems: string[] = [];
  const configured = sources.jwks ?? (sources.jwksFile ? readJwksFile(sources.jwksFile) : undefined);
  const needsIssuer = configured !== undefined || sources.jwksUrl !== undefined;
  if (needsIssuer && !sources.issuer)
    problems.push('AUTH_ISSUER: expected the issuer of client tokens, got nothing');

  if (configured) {
    problems.push(...keyProblems(configured.keys, 'AUTH_JWKS_FILE'));
    if (sources.issuer)
      sets.push({ name: 'file', keys: createLocalJWKSet(configured), issuer: sources.issuer });
  }
  const extra = sources.extraKeys ?? [];
  if (extra.length > 0) {
    problems.push(...keyProblems(extra, 'dev keys'));
    const issuer = sources.devIssuer ?? sources.issuer;
    if (!issuer) problems.push('AUTH_ISSUER: expected the issuer of dev tokens, got nothing');
    else sets.push({ name: 'dev', keys: createLocalJWKSet({ keys: extra.map((k) => ({ ...k })) }), issuer });
  }
  if (sources.jwksUrl !== undefined && sources.issuer) {
    const url = new URL(sources.jwksUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      problems.push(`AUTH_JWKS_URL: expected an http(s) URL, got ${url.protocol}`);
    }
    // One remote set per process: jose caches the keys, and re-fetches on an unknown kid at most once
    // per cooldown, so key rotation works while a flood of made-up kids cannot hammer the key server.
    const keys = createRemoteJWKSet(url, {
      cooldownDuration: (sources.jwksCooldownSeconds ?? 30) * 1000,
      timeoutDuration: sources.jwksTimeoutMs ?? 5000,
      cacheMaxAge: (sources.jwksCacheMaxAgeSeconds ?? 600) * 1000,
    });
    sets.push({ name: 'url', keys, issuer: sources.issuer });
  }
  if (sets.length === 0 && problems.length === 0) {
    problems.push(
      'AUTH_JWKS_URL or AUTH_JWKS_FILE: expected the keys trusted for client tokens, got nothing',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return sets;
}

function readJwksFile(file: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'not JSON';
    throw new ConfigError([`AUTH_JWKS_FILE: expected a readable JWKS file, got ${file} (${reason})`]);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys))
    throw new ConfigError([`AUTH_JWKS_FILE: expected a JWKS with a "keys" array, got ${file}`]);
  return { keys: keys as JWK[] };
}

function keyProblems(keys: readonly JWK[], source: string): string[] {
  const problems: string[] = [];
  keys.forEach((key, index) => {
    const at = `${source}: key ${index}${typeof key.kid === 'string' ? ` (kid ${key.kid})` : ''}`;
    if (key === null || typeof key !== 'object') problems.push(`${at}: expected a JWK object`);
    else if (key.kty === 'oct') problems.push(`${at}: expected a public key, got a symmetric key`);
    else if (PRIVATE_MEMBERS.some((m) => m in key))
      problems.push(`${at}: expected a public key, got a private one`);
    else if (key.alg !== undefined && !ALLOWED.has(key.alg)) {
      problems.push(`${at}: expected alg ${CLIENT_TOKEN_ALGORITHMS.join(', ')}, got ${key.alg}`);
    }
  });
  return problems;
}
