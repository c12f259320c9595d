// The gateway's configuration, read once from the environment (DESIGN.md "Configuration").
import { join } from 'node:path';
import { type EnvReader, env, readEnv, secret } from '../../lib/env.ts';
import { ConfigError } from '../../lib/errors.ts';
import { DEFAULT_GATEWAY_PORT, defaultMockPort } from '../../lib/topology.ts';
import type { PersistedQueriesConfig } from './persistedQueries.ts';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './plugins/limits/index.ts';
import {
  DEFAULT_COST_BUDGET,
  DEFAULT_RATE_LIMIT,
  limitTable,
  positiveNumber,
  type RateLimitConfig,
} from './plugins/rateLimit/rateLimitConfig.ts';

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  /** LIENTHONG_DEV=1: dev keys under data/, introspection, `npm run token`. Never in production. */
  readonly dev: boolean;
  readonly auth: {
    readonly jwksUrl: string | undefined;
    /** Least time between two fetches of AUTH_JWKS_URL for unknown kids, in seconds (AUTH_JWKS_COOLDOWN_SECONDS); default 30. */
    readonly jwksCooldownSeconds: number;
    readonly jwksFile: string | undefined;
    readonly issuer: string;
    readonly audience: string;
    readonly clockToleranceSeconds: number;
    readonly maxTokenAgeSeconds: number;
    readonly requiredTyp: string | undefined;
  };
  /** Private JWK (EdDSA) signing the internal tokens sent to subgraphs; dev: generated. */
  readonly internalSigningKeyFile: string | undefined;
  /** Private JWK (EdDSA or ES256) signing response attestations; dev: generated. */
  readonly attestationKeyFile: string | undefined;
  /** Private JWK signing audit checkpoints; dev: generated. */
  readonly auditKeyFile: string | undefined;
  /** Public JWKS file of retired attestation/audit keys, still published so old signatures verify. */
  readonly retiredKeysFile: string | undefined;
  readonly supergraphFile: string;
  /** PostgreSQL for the audit store; absent: the embedded PGlite database in auditDataDir. */
  readonly databaseUrl: string | undefined;
  readonly auditDataDir: string;
  /** Longest a response waits for its audit record to commit, in ms. */
  readonly auditAppendTimeoutMs: number;
  /** A checkpoint is signed at least this often while records are written, in seconds; default 5. */
  readonly auditCheckpointSeconds: number;
  /** The checkpoints' origin line (the log's name for witnesses); default `lienthong/audit`. */
  readonly auditLogOrigin: string;
  readonly proceduresFile: string | undefined;
  /** What a field outside the scopes in force does: null + FORBIDDEN ("partial") or a 403 for the whole request ("reject"). */
  readonly authorizationMode: 'partial' | 'reject';
  /** Overall budget of one request, in ms, passed down to subgraphs as a deadline. */
  readonly requestTimeoutMs: number;
  /** Upper bound of one subgraph request, in ms. */
  readonly subgraphTimeoutMs: number;
  /** Keep-alive connections per subgraph. */
  readonly subgraphConnections: number;
  /** Largest request body, in bytes. */
  readonly maxBodyBytes: number;
  /** Lexical tokens in one document (Apollo's parseOptions.maxTokens). */
  readonly maxTokens: number;
  /** Selections visited when expanding fragments (Apollo's maxRecursiveSelections). */
  readonly maxRecursiveSelections: number;
  readonly limits: QueryLimits;
  /** Subgraph URLs overriding the supergraph's (SUBGRAPH_URLS), by subgraph name. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  /** Features switched off to price them (BENCH_DISABLE_FEATURES, only with LIENTHONG_BENCH=1). */
  readonly disabledFeatures: ReadonlySet<BenchFeature>;
  /** Per-client token buckets (RATE_LIMIT_*), shared through Redis when configured. */
  readonly rateLimit: RateLimitConfig;
  /** Automatic persisted queries, or a safelist only (PERSISTED_QUERIES_*). */
  readonly persistedQueries: PersistedQueriesConfig;
  /** How purpose is proven (PURPOSE_VERIFICATION, DOSSIER_GRACE_DAYS, CLIENTS_FILE, ONESTOP_*). */
  readonly purpose: PurposeConfig;
  /** GET /graphiql serves the bundled IDE (GRAPHIQL=1 or 0); default: on in dev mode only. */
  readonly graphiql: boolean;
  /** METRICS_PORT: /metrics on a separate listener instead of the public port; default unset. */
  readonly metricsPort: number | undefined;
}

export const PURPOSE_VERIFICATION_MODES = ['enforce', 'declared'] as const;
export type PurposeVerificationMode = (typeof PURPOSE_VERIFICATION_MODES)[number];

export interface PurposeConfig {
  /** enforce (default): the dossier is looked up in the one-stop system; declared: the headers are checked against the procedure registry only. */
  readonly verification: PurposeVerificationMode;
  /** Days after its result was returned that a dossier still serves; default 30. */
  readonly dossierGraceDays: number;
  /** The client registry; unset (dev mode only): a client acts for its token's agency. */
  readonly clientsFile: string | undefined;
  /** The one-stop system's API; default the onestop mock (http://127.0.0.1:4106). */
  readonly onestopUrl: string;
  /** Bearer key for the one-stop system (ONESTOP_API_KEY); dev default the mocks' key. */
  readonly onestopApiKey: string;
  /** Bound of one dossier lookup, in ms; default 2000. */
  readonly onestopTimeoutMs: number;
}

/** The mocks' API key in dev mode (mocks/config.ts), which the onestop mock expects. */
const DEV_ONESTOP_API_KEY = 'dev-upstream-key';

/** What a benchmark may switch off to measure its cost; never outside `npm run bench`. */
export const BENCH_FEATURES = ['audit', 'attestation', 'authorization', 'limits', 'rateLimit'] as const;
export type BenchFeature = (typeof BENCH_FEATURES)[number];

/** "audit,attestation": a subset of BENCH_FEATURES. */
const benchFeatures: EnvReader<ReadonlySet<BenchFeature>> = (raw) => {
  const names = (raw ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (!names.every((name) => (BENCH_FEATURES as readonly string[]).includes(name))) {
    throw new Error(`a comma-separated list of ${BENCH_FEATURES.join(', ')}`);
  }
  return new Set(names as BenchFeature[]);
};

/** "population=http://…/graphql,land=http://…/graphql". */
const urlTable: EnvReader<Readonly<Record<string, string>>> = (raw) => {
  const table: Record<string, string> = {};
  for (const part of (raw ?? '').split(',').filter((p) => p.trim() !== '')) {
    const at = part.indexOf('=');
    const name = part.slice(0, at).trim();
    const url = part.slice(at + 1).trim();
    if (at < 1 || !/^[a-z][a-z0-9_-]*$/.test(name) || !/^https?:\/\/\S+$/.test(url)) {
      throw new Error('a list like population=http://127.0.0.1:4201/graphql,land=…');
    }
    table[name] = url;
  }
  return Object.freeze(table);
};

export function readGatewayConfig(environment: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const raw = readEnv(
    {
      GATEWAY_PORT: env.port(DEFAULT_GATEWAY_PORT),
      HOST: env.string('127.0.0.1'),
      LIENTHONG_DEV: env.flag(),
      AUTH_JWKS_URL: env.url(['https:', 'http:']),
      AUTH_JWKS_FILE: env.optionalString(),
      AUTH_JWKS_COOLDOWN_SECONDS: env.integer(30, 1, 3600),
      AUTH_ISSUER: env.optionalString(),
      AUTH_AUDIENCE: env.string('lienthong'),
      AUTH_CLOCK_TOLERANCE_SECONDS: env.integer(30, 0, 300),
      AUTH_MAX_TOKEN_AGE_SECONDS: env.integer(3600, 60, 86_400),
      AUTH_REQUIRED_TYP: env.optionalString(),
      INTERNAL_SIGNING_KEY_FILE: env.optionalString(),
      ATTESTATION_KEY_FILE: env.optionalString(),
      AUDIT_KEY_FILE: env.optionalString(),
      RETIRED_KEYS_FILE: env.optionalString(),
      SUPERGRAPH_FILE: env.string(join(process.cwd(), 'schema', 'supergraph.graphql')),
      PROCEDURES_FILE: env.optionalString(),
      DATABASE_URL: env.url(['postgres:', 'postgresql:']),
      AUDIT_DATA_DIR: env.string(join(process.cwd(), 'data', 'audit')),
      AUDIT_APPEND_TIMEOUT_MS: env.integer(5_000, 50, 60_000),
      AUDIT_CHECKPOINT_SECONDS: env.integer(5, 1, 3600),
      AUDIT_LOG_ORIGIN: env.string('lienthong/audit'),
      AUTHORIZATION_MODE: env.oneOf(['partial', 'reject'], 'partial'),
      REQUEST_TIMEOUT_MS: env.integer(15_000, 100, 120_000),
      SUBGRAPH_TIMEOUT_MS: env.integer(10_000, 50, 120_000),
      SUBGRAPH_CONNECTIONS: env.integer(64, 1, 4096),
      MAX_BODY_BYTES: env.integer(1_048_576, 1024, 64 * 1_048_576),
      QUERY_MAX_TOKENS: env.integer(5_000, 100, 1_000_000),
      QUERY_MAX_RECURSIVE_SELECTIONS: env.integer(10_000, 100, 10_000_000),
      QUERY_MAX_DEPTH: env.integer(DEFAULT_QUERY_LIMITS.maxDepth, 1, 100),
      QUERY_MAX_ALIASES: env.integer(DEFAULT_QUERY_LIMITS.maxAliases, 0, 10_000),
      QUERY_MAX_DIRECTIVES: env.integer(DEFAULT_QUERY_LIMITS.maxDirectives, 0, 10_000),
      QUERY_MAX_FIELDS: env.integer(DEFAULT_QUERY_LIMITS.maxFields, 1, 1_000_000),
      QUERY_MAX_COST: env.integer(DEFAULT_QUERY_LIMITS.maxCost, 1, 100_000_000),
      QUERY_MAX_VARIABLES_BYTES: env.integer(DEFAULT_QUERY_LIMITS.maxVariablesBytes, 64, 16 * 1_048_576),
      QUERY_DEFAULT_LIST_SIZE: env.integer(DEFAULT_QUERY_LIMITS.defaultListSize, 1, 10_000),
      RATE_LIMIT_CAPACITY: positiveNumber(DEFAULT_RATE_LIMIT.capacity),
      RATE_LIMIT_REFILL_PER_SECOND: positiveNumber(DEFAULT_RATE_LIMIT.refillPerSecond),
      RATE_LIMIT_CLIENTS: limitTable,
      RATE_LIMIT_SCOPES: limitTable,
      RATE_LIMIT_COST_CAPACITY: positiveNumber(DEFAULT_COST_BUDGET.capacity),
      RATE_LIMIT_COST_PER_SECOND: positiveNumber(DEFAULT_COST_BUDGET.refillPerSecond),
      CLIENT_MAX_CONCURRENT_REQUESTS: env.integer(32, 1, 100_000),
      GATEWAY_REPLICAS: env.integer(1, 1, 1000),
      PERSISTED_QUERIES_ONLY: env.flag(),
      PERSISTED_QUERIES_FILE: env.optionalString(),
      PERSISTED_QUERIES_TTL_SECONDS: env.integer(86_400, 1, 31_536_000),
      SUBGRAPH_URLS: urlTable,
      LIENTHONG_BENCH: env.flag(),
      BENCH_DISABLE_FEATURES: benchFeatures,
      PURPOSE_VERIFICATION: env.oneOf(PURPOSE_VERIFICATION_MODES, 'enforce'),
      DOSSIER_GRACE_DAYS: env.integer(30, 0, 3650),
      CLIENTS_FILE: env.optionalString(),
      ONESTOP_URL: env.url(['http:', 'https:']),
      ONESTOP_API_KEY: secret(env.optionalString()),
      ONESTOP_TIMEOUT_MS: env.integer(2_000, 50, 60_000),
      GRAPHIQL: env.flag(),
      METRICS_PORT: (raw, name) => (raw === undefined ? undefined : env.port(0)(raw, name)),
    },
    environment,
  );
  const dev = raw.LIENTHONG_DEV;
  // Security settings have no silent default outside dev mode.
  const problems: string[] = [];
  if (!dev && !raw.AUTH_JWKS_URL && !raw.AUTH_JWKS_FILE) {
    problems.push(
      'AUTH_JWKS_URL or AUTH_JWKS_FILE: expected the keys trusted for client tokens, got nothing',
    );
  }
  if (!dev && !raw.AUTH_ISSUER)
    problems.push('AUTH_ISSUER: expected the issuer of client tokens, got nothing');
  if (!dev && !raw.INTERNAL_SIGNING_KEY_FILE) {
    problems.push(
      'INTERNAL_SIGNING_KEY_FILE: expected a private JWK file (EdDSA) for internal tokens, got nothing',
    );
  }
  if (!dev && !raw.ATTESTATION_KEY_FILE) {
    problems.push(
      'ATTESTATION_KEY_FILE: expected a private JWK file (EdDSA or ES256) for response attestations, got nothing',
    );
  }
  if (!dev && !raw.AUDIT_KEY_FILE) {
    problems.push('AUDIT_KEY_FILE: expected a private JWK file (EdDSA) for audit checkpoints, got nothing');
  }
  if (!raw.LIENTHONG_BENCH && raw.BENCH_DISABLE_FEATURES.size > 0) {
    problems.push(
      `BENCH_DISABLE_FEATURES: expected nothing outside a benchmark (LIENTHONG_BENCH=1), got ${JSON.stringify([...raw.BENCH_DISABLE_FEATURES].join(','))}`,
    );
  }
  if (raw.PERSISTED_QUERIES_ONLY && !raw.PERSISTED_QUERIES_FILE) {
    problems.push(
      'PERSISTED_QUERIES_FILE: expected the safelist (JSON of sha256 → query) that PERSISTED_QUERIES_ONLY=1 accepts, got nothing',
    );
  }
  if (raw.RATE_LIMIT_COST_CAPACITY < raw.QUERY_MAX_COST) {
    problems.push(
      `RATE_LIMIT_COST_CAPACITY: expected at least QUERY_MAX_COST (${raw.QUERY_MAX_COST}), or an allowed operation could never be afforded, got ${raw.RATE_LIMIT_COST_CAPACITY}`,
    );
  }
  problems.push(...purposeProblems(raw));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    port: raw.GATEWAY_PORT,
    host: raw.HOST,
    dev,
    auth: Object.freeze({
      jwksUrl: raw.AUTH_JWKS_URL,
      jwksCooldownSeconds: raw.AUTH_JWKS_COOLDOWN_SECONDS,
      jwksFile: raw.AUTH_JWKS_FILE,
      issuer: raw.AUTH_ISSUER ?? DEV_ISSUER,
      audience: raw.AUTH_AUDIENCE,
      clockToleranceSeconds: raw.AUTH_CLOCK_TOLERANCE_SECONDS,
      maxTokenAgeSeconds: raw.AUTH_MAX_TOKEN_AGE_SECONDS,
      requiredTyp: raw.AUTH_REQUIRED_TYP,
    }),
    internalSigningKeyFile: raw.INTERNAL_SIGNING_KEY_FILE,
    attestationKeyFile: raw.ATTESTATION_KEY_FILE,
    auditKeyFile: raw.AUDIT_KEY_FILE,
    retiredKeysFile: raw.RETIRED_KEYS_FILE,
    supergraphFile: raw.SUPERGRAPH_FILE,
    proceduresFile: raw.PROCEDURES_FILE,
    databaseUrl: raw.DATABASE_URL,
    auditDataDir: raw.AUDIT_DATA_DIR,
    auditAppendTimeoutMs: raw.AUDIT_APPEND_TIMEOUT_MS,
    auditCheckpointSeconds: raw.AUDIT_CHECKPOINT_SECONDS,
    auditLogOrigin: raw.AUDIT_LOG_ORIGIN,
    authorizationMode: raw.AUTHORIZATION_MODE,
    requestTimeoutMs: raw.REQUEST_TIMEOUT_MS,
    subgraphTimeoutMs: raw.SUBGRAPH_TIMEOUT_MS,
    subgraphConnections: raw.SUBGRAPH_CONNECTIONS,
    maxBodyBytes: raw.MAX_BODY_BYTES,
    maxTokens: raw.QUERY_MAX_TOKENS,
    maxRecursiveSelections: raw.QUERY_MAX_RECURSIVE_SELECTIONS,
    limits: Object.freeze({
      maxDepth: raw.QUERY_MAX_DEPTH,
      maxAliases: raw.QUERY_MAX_ALIASES,
      maxDirectives: raw.QUERY_MAX_DIRECTIVES,
      maxFields: raw.QUERY_MAX_FIELDS,
      maxCost: raw.QUERY_MAX_COST,
      maxVariablesBytes: raw.QUERY_MAX_VARIABLES_BYTES,
      defaultListSize: raw.QUERY_DEFAULT_LIST_SIZE,
    }),
    subgraphUrls: raw.SUBGRAPH_URLS,
    disabledFeatures: raw.BENCH_DISABLE_FEATURES,
    rateLimit: Object.freeze({
      limits: Object.freeze({
        default: { capacity: raw.RATE_LIMIT_CAPACITY, refillPerSecond: raw.RATE_LIMIT_REFILL_PER_SECOND },
        perClient: raw.RATE_LIMIT_CLIENTS,
        perScope: raw.RATE_LIMIT_SCOPES,
      }),
      cost: Object.freeze({
        capacity: raw.RATE_LIMIT_COST_CAPACITY,
        refillPerSecond: raw.RATE_LIMIT_COST_PER_SECOND,
      }),
      maxConcurrent: raw.CLIENT_MAX_CONCURRENT_REQUESTS,
      replicas: raw.GATEWAY_REPLICAS,
    }),
    persistedQueries: Object.freeze({
      only: raw.PERSISTED_QUERIES_ONLY,
      file: raw.PERSISTED_QUERIES_FILE,
      ttlSeconds: raw.PERSISTED_QUERIES_TTL_SECONDS,
    }),
    purpose: Object.freeze({
      verification: raw.PURPOSE_VERIFICATION,
      dossierGraceDays: raw.DOSSIER_GRACE_DAYS,
      clientsFile: raw.CLIENTS_FILE,
      onestopUrl: raw.ONESTOP_URL ?? `http://127.0.0.1:${defaultMockPort('onestop')}`,
      onestopApiKey: raw.ONESTOP_API_KEY ?? DEV_ONESTOP_API_KEY,
      onestopTimeoutMs: raw.ONESTOP_TIMEOUT_MS,
    }),
    graphiql: environment['GRAPHIQL'] === undefined ? dev : raw.GRAPHIQL,
    metricsPort: raw.METRICS_PORT,
  });
}

/**
 * Proving purpose secures every read, so outside dev mode its settings have no silent default: the
 * one-stop system's key and the client registry must be given, unless verification is `declared`.
 */
function purposeProblems(raw: {
  readonly LIENTHONG_DEV: boolean;
  readonly PURPOSE_VERIFICATION: PurposeVerificationMode;
  readonly CLIENTS_FILE: string | undefined;
  readonly ONESTOP_API_KEY: string | undefined;
}): string[] {
  if (raw.LIENTHONG_DEV || raw.PURPOSE_VERIFICATION !== 'enforce') return [];
  const problems: string[] = [];
  if (!raw.ONESTOP_API_KEY) {
    problems.push(
      'ONESTOP_API_KEY: expected the one-stop system credential (or PURPOSE_VERIFICATION=declared, or LIENTHONG_DEV=1), got nothing',
    );
  }
  if (!raw.CLIENTS_FILE) {
    problems.push(
      'CLIENTS_FILE: expected the client registry (JSON array of { clientId, name, agencies, levels, procedures }), got nothing',
    );
  }
  return problems;
}

/** The issuer of dev tokens (`npm run token`), trusted only in dev mode. */
export const DEV_ISSUER = 'lienthong-dev';
