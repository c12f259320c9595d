// Configuration of one subgraph process, read once at start (lib/env.ts): a bad value stops the process
// with one line per variable.
import { env, readEnv } from '../../lib/env.ts';
import { ConfigError } from '../../lib/errors.ts';
import {
  defaultMockPort,
  defaultSubgraphPort,
  type Source,
  subgraphPortVar,
  upstreamUrlVar,
} from '../../lib/topology.ts';

export interface SubgraphConfig {
  readonly source: Source;
  /** Port of the subgraph's HTTP server (<SOURCE>_SUBGRAPH_PORT; default 4001…4005 from lib/topology.ts). */
  readonly port: number;
  /** Base URL of the national database (<SOURCE>_UPSTREAM_URL; default http://127.0.0.1:4101…4105). */
  readonly upstreamUrl: string;
  /** Upper bound on one upstream request, headers and body included (UPSTREAM_TIMEOUT_MS; default 2000). */
  readonly upstreamTimeoutMs: number;
  /** Most ids `citizens(ids:)` accepts (CITIZENS_MAX_IDS; default 100). */
  readonly citizensMaxIds: number;
  /**
   * Retries and circuit breaker of the upstream (resilience.ts): UPSTREAM_MAX_ATTEMPTS (default 3, the
   * first included), UPSTREAM_BREAKER_THRESHOLD (consecutive failures that open it; default 5),
   * UPSTREAM_BREAKER_HALF_OPEN_MS (how long it stays open before a probe; default 5000).
   */
  readonly resilience: {
    readonly maxAttempts: number;
    readonly breakerThreshold: number;
    readonly halfOpenAfterMs: number;
  };
  /** The gateway's internal-token public keys (INTERNAL_JWKS_FILE; dev default data/keys/gateway-internal.jwks.json). */
  readonly internalJwksFile: string | undefined;
  /** Credential for the national database (UPSTREAM_API_KEY; dev default "dev-upstream-key"). */
  readonly upstreamApiKey: string;
  /** LIENTHONG_DEV=1: development defaults for keys and credentials. */
  readonly dev: boolean;
}

export const DEV_UPSTREAM_API_KEY = 'dev-upstream-key';

export function readSubgraphConfig(
  source: Source,
  environment: NodeJS.ProcessEnv = process.env,
): SubgraphConfig {
  const portVar = subgraphPortVar(source);
  const urlVar = upstreamUrlVar(source);
  const problems: string[] = [];
  const values = collectProblems(problems, () =>
    readEnv(
      {
        [portVar]: env.port(defaultSubgraphPort(source)),
        [urlVar]: env.url(['http:', 'https:']),
        UPSTREAM_TIMEOUT_MS: env.integer(2000, 1, 120_000),
        CITIZENS_MAX_IDS: env.integer(100, 1, 1000),
        UPSTREAM_MAX_ATTEMPTS: env.integer(3, 1, 10),
        UPSTREAM_BREAKER_THRESHOLD: env.integer(5, 1, 1000),
        UPSTREAM_BREAKER_HALF_OPEN_MS: env.integer(5000, 100, 600_000),
        INTERNAL_JWKS_FILE: env.optionalString(),
        UPSTREAM_API_KEY: env.optionalString(),
        LIENTHONG_DEV: env.flag(),
      },
      environment,
    ),
  );
  const dev = environment['LIENTHONG_DEV'] === '1' || environment['LIENTHONG_DEV'] === 'true';
  // Security settings have no silent production default: only dev mode may fall back.
  if (!dev && !environment['INTERNAL_JWKS_FILE']) {
    problems.push(
      'INTERNAL_JWKS_FILE: expected the path of the gateway internal-token JWKS (or LIENTHONG_DEV=1), got nothing',
    );
  }
  if (!dev && !environment['UPSTREAM_API_KEY']) {
    problems.push(
      'UPSTREAM_API_KEY: expected the national database credential (or LIENTHONG_DEV=1), got nothing',
    );
  }
  if (problems.length > 0 || values === undefined) throw new ConfigError(problems);
  return Object.freeze({
    source,
    port: values[portVar] as number,
    upstreamUrl: (values[urlVar] as string | undefined) ?? `http://127.0.0.1:${defaultMockPort(source)}`,
    upstreamTimeoutMs: values['UPSTREAM_TIMEOUT_MS'] as number,
    citizensMaxIds: values['CITIZENS_MAX_IDS'] as number,
    resilience: Object.freeze({
      maxAttempts: values['UPSTREAM_MAX_ATTEMPTS'] as number,
      breakerThreshold: values['UPSTREAM_BREAKER_THRESHOLD'] as number,
      halfOpenAfterMs: values['UPSTREAM_BREAKER_HALF_OPEN_MS'] as number,
    }),
    internalJwksFile: values['INTERNAL_JWKS_FILE'] as string | undefined,
    upstreamApiKey: (values['UPSTREAM_API_KEY'] as string | undefined) ?? DEV_UPSTREAM_API_KEY,
    dev,
  });
}

/** Runs a reader, adding its ConfigError's lines to `problems` so that every bad variable is reported at once. */
export function collectProblems<T>(problems: string[], read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}
