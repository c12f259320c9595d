// The whole stack in one test process, over real HTTP on free ports: the five mock national
// databases, the five subgraphs and the gateway, with keys of the test's own (no dev mode, no files
// shared with `npm start`) and an audit store in a temporary directory unless one is given.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JSONWebKeySet, JWK } from 'jose';
import { SignJWT } from 'jose';
import type { AuditStore } from '../../gateway/src/audit/types.ts';
import { readGatewayConfig } from '../../gateway/src/config.ts';
import type { GatewayContext } from '../../gateway/src/context.ts';
import { createGateway, type RunningGateway } from '../../gateway/src/createGateway.ts';
import type { CacheConfig } from '../../lib/cache/cacheConfigFromEnv.ts';
import type { ManagedRecordCache } from '../../lib/cache/createRecordCache.ts';
import { openCache } from '../../lib/cache/openCache.ts';
import type { RecordCache } from '../../lib/cache/types.ts';
import { generateSigningJwk, type SigningKey, signingKeyFromJwk, toJwks } from '../../lib/keys.ts';
import { type Logger, silentLogger } from '../../lib/logger.ts';
import { createMetrics, type Metrics } from '../../lib/metrics.ts';
import { SOURCES, type Source } from '../../lib/topology.ts';
import { createMock, type MockServer } from '../../mocks/createMock.ts';
import type { Faults } from '../../mocks/faults.ts';
import { createBusinessSubgraph } from '../../subgraphs/business/createSubgraph.ts';
import type { RunningSubgraph } from '../../subgraphs/common/createSubgraphServer.ts';
import type { ResilienceOptions } from '../../subgraphs/common/resilience.ts';
import type { SubgraphOptions } from '../../subgraphs/common/subgraphDeps.ts';
import { createInsuranceSubgraph } from '../../subgraphs/insurance/createSubgraph.ts';
import { createLandSubgraph } from '../../subgraphs/land/createSubgraph.ts';
import { createPopulationSubgraph } from '../../subgraphs/population/createSubgraph.ts';
import { createResultsSubgraph } from '../../subgraphs/results/createSubgraph.ts';
import { type CountingProxy, startCountingProxy } from './countingProxy.ts';
import { stackCacheConfig } from './stackCache.ts';

export const TEST_ISSUER = 'https://idp.test/lienthong';
export const TEST_AUDIENCE = 'lienthong';
const UPSTREAM_KEY = 'test-upstream-key';

const CREATE: Record<Source, (options: SubgraphOptions) => Promise<RunningSubgraph>> = {
  population: createPopulationSubgraph,
  business: createBusinessSubgraph,
  insurance: createInsuranceSubgraph,
  land: createLandSubgraph,
  results: createResultsSubgraph,
};

export interface StackOptions {
  /** Extra gateway environment (e.g. QUERY_MAX_DEPTH, AUTHORIZATION_MODE, DATABASE_URL). */
  readonly gatewayEnv?: Readonly<Record<string, string>>;
  readonly faults?: Partial<Record<Source, Partial<Faults>>>;
  /** Record cache per subgraph; default none. */
  readonly cache?: (source: Source) => RecordCache;
  /**
   * Redis for the subgraphs' record caches and the gateway's rate limits and persisted queries, e.g.
   * redis://127.0.0.1:6379; each subgraph gets a client of its own, as a process would. Overrides `cache`.
   */
  readonly redisUrl?: string;
  /** Key prefix isolating this stack in Redis; required with redisUrl (a random one per test). */
  readonly redisKeyPrefix?: string;
  /** Extra cache environment with redisUrl (CACHE_TTL_SECONDS, CACHE_LOCAL_TTL_MS, …). */
  readonly cacheEnv?: Readonly<Record<string, string>>;
  readonly auditStore?: AuditStore;
  readonly upstreamTimeoutMs?: number;
  /** Public keys trusted for client tokens besides the stack's own ES256 key (e.g. an RSA key). */
  readonly extraClientKeys?: readonly JWK[];
  /** Subgraph URLs the gateway calls instead of the stack's (a fake subgraph of the test's own). */
  readonly subgraphUrls?: Partial<Record<Source, string>>;
  /** Puts a counting proxy between the gateway and each subgraph (see `subgraphRequests`). */
  readonly countSubgraphRequests?: boolean;
  /** The gateway's logger (a test reading what is logged); default silent. */
  readonly gatewayLogger?: Logger;
  /** Retries and circuit breaker of every subgraph's upstream (e.g. a short halfOpenAfterMs). */
  readonly resilience?: Partial<ResilienceOptions>;
  /** Observes each operation stage of the gateway's pipeline as it starts. */
  readonly onStage?: (name: string, context: GatewayContext) => void;
}

export interface TokenOptions {
  readonly sub?: string;
  readonly officer?: string;
  /** The `agency` claim: the agency code the client issues results as. */
  readonly agency?: string;
  readonly ttlSeconds?: number;
  /** The token's `jti`. */
  readonly jti?: string;
}

export interface QueryOptions {
  readonly token?: string | null;
  /** Purpose headers; default a valid procedure and dossier. Pass null to send none. */
  readonly procedure?: string | null;
  readonly dossier?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  };
}

export interface Stack extends AsyncDisposable {
  readonly gateway: RunningGateway;
  readonly graphqlUrl: string;
  readonly mocks: Readonly<Record<Source, MockServer>>;
  readonly subgraphs: Readonly<Record<Source, RunningSubgraph>>;
  readonly clientKey: SigningKey;
  readonly internalKey: SigningKey;
  readonly gatewayJwks: JSONWebKeySet;
  /** The gateway's environment (key files, issuer, audience, …), for starting more gateways as processes. */
  readonly gatewayEnv: Readonly<Record<string, string>>;
  readonly metrics: Metrics;
  /** With redisUrl: each subgraph's record cache, and the settings they and the gateway were opened with. */
  readonly caches: Partial<Record<Source, ManagedRecordCache>>;
  readonly cacheConfig: CacheConfig | undefined;
  /** A client token signed by the trusted test key. */
  token(scope: string, options?: TokenOptions): Promise<string>;
  /** POSTs a GraphQL request to the gateway. */
  query(query: string, variables?: Record<string, unknown>, options?: QueryOptions): Promise<Answer>;
  /** Upstream /api/ requests served by each mock since the last reset. */
  upstreamRequests(): Record<Source, number>;
  /** Requests the gateway made to each subgraph since the last reset; needs `countSubgraphRequests`. */
  subgraphRequests(): Record<Source, number>;
  /** The GraphQL documents the gateway sent to each subgraph since the last reset; needs `countSubgraphRequests`. */
  subgraphQueries(): Record<Source, string[]>;
  /** Resets the mocks' counts and, when counted, the subgraph request counts. */
  resetUpstreamCounts(): void;
}

/** The procedure the default purpose names: entitled to every read scope. */
export const ALL_READS_PROCEDURE = '1.003005';
export const TEST_DOSSIER = 'H92.31-251121-0042';

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-stack-'));
  const clientKey = await signingKeyFromJwk(await generateSigningJwk('ES256', 'test-client-key'));
  const internalJwk = await generateSigningJwk('EdDSA', 'test-internal-key');
  const internalKey = await signingKeyFromJwk(internalJwk);
  const files = {
    clientJwks: join(dir, 'client.jwks.json'),
    internal: join(dir, 'internal.jwk.json'),
    attestation: join(dir, 'attestation.jwk.json'),
    audit: join(dir, 'audit.jwk.json'),
  };
  await writeFile(
    files.clientJwks,
    JSON.stringify(toJwks([clientKey.publicJwk, ...(options.extraClientKeys ?? [])])),
  );
  await writeFile(files.internal, JSON.stringify(internalJwk));
  await writeFile(
    files.attestation,
    JSON.stringify(await generateSigningJwk('EdDSA', 'test-attestation-key')),
  );
  await writeFile(files.audit, JSON.stringify(await generateSigningJwk('EdDSA', 'test-audit-key')));

  const started: AsyncDisposable[] = [];
  try {
    const mocks = {} as Record<Source, MockServer>;
    const subgraphs = {} as Record<Source, RunningSubgraph>;
    for (const source of SOURCES) {
      mocks[source] = await createMock({
        source,
        port: 0,
        apiKey: UPSTREAM_KEY,
        faults: options.faults?.[source],
      });
      started.push(mocks[source]);
    }
    const cacheConfig = options.redisUrl
      ? await stackCacheConfig(options.redisUrl, options.redisKeyPrefix ?? '', options.cacheEnv)
      : undefined;
    const caches: Partial<Record<Source, ManagedRecordCache>> = {};
    for (const source of SOURCES) {
      if (cacheConfig) {
        const handle = await openCache(cacheConfig, { logger: silentLogger(), connectionName: source });
        started.push(handle);
        caches[source] = handle.cache;
      }
      subgraphs[source] = await CREATE[source]({
        port: 0,
        upstreamUrl: mocks[source].url,
        upstreamApiKey: UPSTREAM_KEY,
        upstreamTimeoutMs: options.upstreamTimeoutMs ?? 1_000,
        internalJwks: toJwks([internalKey.publicJwk]),
        cache: caches[source] ?? options.cache?.(source),
        logger: silentLogger(),
        ...(options.resilience ? { resilience: options.resilience } : {}),
      });
      started.push(subgraphs[source]);
    }
    const proxies: Partial<Record<Source, CountingProxy>> = {};
    if (options.countSubgraphRequests) {
      for (const source of SOURCES) {
        const proxy = await startCountingProxy(options.subgraphUrls?.[source] ?? subgraphs[source].url);
        proxies[source] = proxy;
        started.push(proxy);
      }
    }
    const gatewaySubgraphUrl = (source: Source) =>
      proxies[source]?.url ?? options.subgraphUrls?.[source] ?? subgraphs[source].url;
    const metrics = createMetrics('gateway');
    const gatewayEnv: Record<string, string> = {
      GATEWAY_PORT: '0',
      AUTH_JWKS_FILE: files.clientJwks,
      AUTH_ISSUER: TEST_ISSUER,
      AUTH_AUDIENCE: TEST_AUDIENCE,
      INTERNAL_SIGNING_KEY_FILE: files.internal,
      ATTESTATION_KEY_FILE: files.attestation,
      AUDIT_KEY_FILE: files.audit,
      AUDIT_DATA_DIR: join(dir, 'audit'),
      // This stack runs no one-stop system: purpose is checked as declared unless a test says otherwise.
      PURPOSE_VERIFICATION: 'declared',
      ...options.gatewayEnv,
    };
    const config = readGatewayConfig(gatewayEnv);
    const gateway = await createGateway({
      config,
      logger: options.gatewayLogger ?? silentLogger(),
      metrics,
      auditStore: options.auditStore,
      cache: cacheConfig,
      subgraphUrls: Object.fromEntries(SOURCES.map((s) => [s, gatewaySubgraphUrl(s)])),
      ...(options.onStage ? { onStage: options.onStage } : {}),
    });
    started.push(gateway);
    const graphqlUrl = `${gateway.url}/graphql`;
    const gatewayJwks = (await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;

    const token = async (scope: string, tokenOptions: TokenOptions = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const claims: Record<string, unknown> = { scope };
      if (tokenOptions.officer) claims['officer'] = tokenOptions.officer;
      if (tokenOptions.agency) claims['agency'] = tokenOptions.agency;
      if (tokenOptions.jti) claims['jti'] = tokenOptions.jti;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: clientKey.alg, kid: clientKey.kid, typ: 'at+jwt' })
        .setIssuer(TEST_ISSUER)
        .setAudience(TEST_AUDIENCE)
        .setSubject(tokenOptions.sub ?? 'ubnd-cantho.motcua')
        .setIssuedAt(now)
        .setExpirationTime(now + (tokenOptions.ttlSeconds ?? 600))
        .sign(clientKey.privateKey);
    };

    const query = async (
      text: string,
      variables?: Record<string, unknown>,
      q: QueryOptions = {},
    ): Promise<Answer> => {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...q.headers };
      if (q.token !== null)
        headers['authorization'] = `Bearer ${q.token ?? (await token('population:read'))}`;
      const procedure = q.procedure === undefined ? ALL_READS_PROCEDURE : q.procedure;
      const dossier = q.dossier === undefined ? TEST_DOSSIER : q.dossier;
      if (procedure !== null) headers['x-procedure-code'] = procedure;
      if (dossier !== null) headers['x-dossier-id'] = dossier;
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: text, variables }),
      });
      const body = await response.text();
      return { status: response.status, headers: response.headers, text: body, body: JSON.parse(body) };
    };

    const dispose = async () => {
      for (const part of started.reverse()) await part[Symbol.asyncDispose]();
      await rm(dir, { recursive: true, force: true });
    };
    return {
      gateway,
      graphqlUrl,
      mocks,
      subgraphs,
      clientKey,
      internalKey,
      gatewayJwks,
      gatewayEnv,
      metrics,
      caches,
      cacheConfig,
      token,
      query,
      upstreamRequests: () =>
        Object.fromEntries(SOURCES.map((s) => [s, mocks[s].stats().requests])) as Record<Source, number>,
      subgraphRequests: () => {
        if (!options.countSubgraphRequests)
          throw new Error('startStack({ countSubgraphRequests: true }) counts them');
        return Object.fromEntries(SOURCES.map((s) => [s, proxies[s]?.count() ?? 0])) as Record<
          Source,
          number
        >;
      },
      subgraphQueries: () => {
        if (!options.countSubgraphRequests)
          throw new Error('startStack({ countSubgraphRequests: true }) records them');
        const queryOf = (body: string) => String((JSON.parse(body) as { query?: unknown }).query ?? '');
        return Object.fromEntries(
          SOURCES.map((s) => [s, (proxies[s]?.bodies() ?? []).map(queryOf)]),
        ) as Record<Source, string[]>;
      },
      resetUpstreamCounts: () => {
        for (const s of SOURCES) {
          mocks[s].resetStats();
          proxies[s]?.reset();
        }
      },
      [Symbol.asyncDispose]: dispose,
    };
  } catch (error) {
    for (const part of started.reverse()) await Promise.resolve(part[Symbol.asyncDispose]()).catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
