// Builds and starts the gateway: Apollo Server over @apollo/gateway with the supergraph and registries
// of reload/ (swapped as one set on SIGHUP or a change of their files), the plugins in their fixed
// order, and the HTTP routes. Thin on purpose: logic lives in the modules it
// wires together.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { Agent } from 'undici';
import type { CacheConfig } from '../../lib/cache/cacheConfigFromEnv.ts';
import { type ServiceServer, startServiceServer } from '../../lib/httpServer.ts';
import { loadJwksFile } from '../../lib/keys.ts';
import { createLogger, type Logger } from '../../lib/logger.ts';
import { createMetrics, type Metrics } from '../../lib/metrics.ts';
import { createRateLimiter } from '../../lib/rateLimit/createRateLimiter.ts';
import { withSpan } from '../../lib/tracing.ts';
import { createAdminHandler } from './admin/createAdminHandler.ts';
import { createCitizenHandler } from './admin/createCitizenHandler.ts';
import type { FieldLabels } from './admin/fieldLabels.ts';
import { attestationHeaders } from './attestation/attestationHeaders.ts';
import { createAuditStore } from './audit/createAuditStore.ts';
import type { AuditStore } from './audit/types.ts';
import { createCacheEvictor } from './auditGraph/cacheEvictor.ts';
import { createAuditDataSource } from './auditGraph/createAuditDataSource.ts';
import { createAuditProofHandler, isAuditProofPath } from './auditProofs/createAuditProofHandler.ts';
import { DEV_ISSUER, type GatewayConfig } from './config.ts';
import type { GatewayContext } from './context.ts';
import { subgraphChecks } from './dependencyChecks.ts';
import { loadGatewayKeys, publishedJwks } from './gatewayKeys.ts';
import { openGatewayRedis } from './gatewayRedis.ts';
import { createGraphiqlHandler } from './graphiql/graphiqlHandler.ts';
import { createGraphQLHandler } from './http/graphqlHandler.ts';
import { requestContextFactory } from './http/requestContext.ts';
import { maskError } from './maskError.ts';
import { createPersistedQueries } from './persistedQueries.ts';
import { createClientTokenVerifier } from './plugins/auth/clientTokenVerifier.ts';
import { cachedVerifier } from './plugins/auth/verifiedTokenCache.ts';
import { gatewayPipeline } from './plugins/index.ts';
import { createDossierVerifier } from './plugins/purpose/dossierVerifier.ts';
import type { ProcedureRegistry } from './procedures.ts';
import { type ConfigFiles, InvalidConfigFile, loadConfigSet } from './reload/configSet.ts';
import { liveConfig } from './reload/liveConfig.ts';
import { startReloader } from './reload/reloader.ts';
import { rewritingGateway } from './rewritingGateway.ts';
import { SubgraphDataSource } from './subgraphDataSource.ts';
import { tracedAuditStore } from './tracedAuditStore.ts';

export interface GatewayOptions {
  readonly config: GatewayConfig;
  /** The audit store to write to; default one opened from the configuration (and closed with the gateway). */
  readonly auditStore?: AuditStore;
  /** Subgraph URLs overriding the supergraph's (tests run subgraphs on free ports). */
  readonly subgraphUrls?: Readonly<Record<string, string>>;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /**
   * Redis settings as the subgraphs read them (cacheConfigFromEnv): the gateway opens its own client for
   * rate limits and persisted queries, and closes it. Without Redis both stay in process.
   */
  readonly cache?: CacheConfig;
  /** Observes each operation stage of the pipeline as it starts (tests of the order). */
  readonly onStage?: (name: string, context: GatewayContext) => void;
}

export interface RunningGateway extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  /** The METRICS_PORT listener's base URL, when metrics have their own port. */
  readonly metricsUrl: string | undefined;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ name: 'gateway' });
  const metrics = options.metrics ?? createMetrics('gateway');
  // The gateway runs on a closed government network: no usage data leaves it unless an operator asks.
  process.env['APOLLO_TELEMETRY_DISABLED'] ??= '1';
  if (config.disabledFeatures.size > 0) {
    // Benchmark-only (LIENTHONG_BENCH=1): say it loudly, so such a process is never mistaken for a real one.
    logger.warn({ disabled: [...config.disabledFeatures] }, 'BENCHMARK MODE: safeguards are switched off');
  }

  const keys = await loadGatewayKeys(config);
  const auditStore =
    options.auditStore ??
    (await createAuditStore({
      databaseUrl: config.databaseUrl,
      dataDir: config.auditDataDir,
      checkpointKey: keys.audit,
      appendTimeoutMs: config.auditAppendTimeoutMs,
      checkpointIntervalMs: config.auditCheckpointSeconds * 1000,
      origin: config.auditLogOrigin,
      logger,
      metrics,
    }));
  // A client sends the same token on every request: its signature is checked once (verifiedTokenCache.ts).
  const verifier = cachedVerifier(
    createClientTokenVerifier({
      jwksUrl: config.auth.jwksUrl,
      jwksCooldownSeconds: config.auth.jwksCooldownSeconds,
      jwksFile: config.auth.jwksFile,
      issuer: config.auth.jwksFile || config.auth.jwksUrl ? config.auth.issuer : undefined,
      // Dev mode trusts the dev key too, for tokens of its own issuer only.
      extraKeys: keys.devClient ? [keys.devClient.publicJwk] : [],
      devIssuer: keys.devClient ? DEV_ISSUER : undefined,
      audience: config.auth.audience,
      clockToleranceSeconds: config.auth.clockToleranceSeconds,
      maxTokenAgeSeconds: config.auth.maxTokenAgeSeconds,
      requiredTyp: config.auth.requiredTyp,
      logger,
    }),
    { maxTokenAgeSeconds: config.auth.maxTokenAgeSeconds },
  );

  // One keep-alive pool per subgraph origin; bodyTimeout/headersTimeout bound stalls, the data
  // source's AbortSignal bounds the whole exchange.
  const dispatcher = new Agent({
    connections: config.subgraphConnections,
    keepAliveTimeout: 30_000,
    headersTimeout: config.subgraphTimeoutMs,
    bodyTimeout: config.subgraphTimeoutMs,
  });
  // Redis (when configured) holds the quotas and persisted queries that every replica shares.
  const redis = await openGatewayRedis(options.cache, logger);
  const rateLimiter = createRateLimiter({
    redis: redis.client,
    idHashKey: redis.idHashKey,
    limits: config.rateLimit.limits,
    replicas: config.rateLimit.replicas,
    metrics,
    logger,
  });
  const costLimiter = createRateLimiter({
    redis: redis.client,
    idHashKey: redis.idHashKey,
    limits: { default: config.rateLimit.cost },
    replicas: config.rateLimit.replicas,
    namespace: 'cost:',
    metrics,
    logger,
  });
  const persistedQueries = await createPersistedQueries(config.persistedQueries, {
    redis: redis.client,
    sealer: redis.sealer,
    idHashKey: redis.idHashKey,
    logger,
  }).catch(async (error: unknown) => {
    await redis[Symbol.asyncDispose]();
    throw error;
  });
  // Filled as @apollo/gateway builds each data source, so evictions reach the very subgraphs queried.
  const sourceUrls: Record<string, string> = {};
  const evictor = createCacheEvictor({
    subgraphs: sourceUrls,
    dispatcher,
    signingKey: keys.internal,
    logger,
    timeoutMs: config.subgraphTimeoutMs,
  });
  // lienthong enforces the security features itself (plugins/authorization), so @apollo/gateway gets
  // the supergraph without them; it would refuse to serve them unenforced. Each configuration set gets
  // a gateway of its own (reload/liveConfig.ts).
  const files: ConfigFiles = {
    supergraph: config.supergraphFile,
    procedures: config.proceduresFile,
    clients: config.purpose.clientsFile,
  };
  const loadConfig = () =>
    loadConfigSet(
      files,
      (supergraphSdl, { entityKeys }) =>
        new ApolloGateway({
          supergraphSdl,
          logger: apolloLogger(logger),
          // Its spans (validate, plan, execute, fetch) carry the operation name only: no document, no errors.
          telemetry: { includeDocument: false, recordExceptions: false },
          buildService: ({ name, url }) => {
            if (name === 'audit') return createAuditDataSource(auditStore, evictor);
            sourceUrls[name] = options.subgraphUrls?.[name] ?? config.subgraphUrls[name] ?? url ?? '';
            return new SubgraphDataSource({
              name,
              url: sourceUrls[name],
              dispatcher,
              signingKey: keys.internal,
              logger,
              timeoutMs: config.subgraphTimeoutMs,
              entityKeys,
            });
          },
        }),
    );
  // The start-up refuses what a reload refuses, with the error it always gave.
  const live = liveConfig(
    await loadConfig().catch(async (error: unknown) => {
      await dispatcher.close();
      await rateLimiter[Symbol.asyncDispose]();
      await costLimiter[Symbol.asyncDispose]();
      await redis[Symbol.asyncDispose]();
      if (!options.auditStore) await auditStore[Symbol.asyncDispose]();
      throw error instanceof InvalidConfigFile ? error.error : error;
    }),
  );
  const { clients } = live.current;

  // Purpose is proven against the one-stop system's dossiers (PURPOSE_VERIFICATION=enforce).
  const onestop =
    config.purpose.verification === 'enforce'
      ? new Agent({ connections: 16, keepAliveTimeout: 30_000 })
      : undefined;
  const dossierVerifier = onestop
    ? createDossierVerifier({
        url: config.purpose.onestopUrl,
        apiKey: config.purpose.onestopApiKey,
        dispatcher: onestop,
        clients,
        graceDays: config.purpose.dossierGraceDays,
        timeoutMs: config.purpose.onestopTimeoutMs,
        lookups: metrics.dossierLookups,
        logger,
      })
    : undefined;
  const pipeline = gatewayPipeline({
    config: (schema) => live.of(schema),
    ...(dossierVerifier ? { dossierVerifier } : {}),
    logger,
    metrics,
    authorizationMode: config.authorizationMode,
    dev: config.dev,
    limits: config.limits,
    auditStore: tracedAuditStore(auditStore),
    disabled: config.disabledFeatures,
    rateLimiter,
    costLimiter,
    maxConcurrent: config.rateLimit.maxConcurrent,
    ...(persistedQueries.stage ? { safelist: persistedQueries.stage } : {}),
    ...(options.onStage ? { onStage: options.onStage } : {}),
  });
  const server = new ApolloServer<GatewayContext>({
    gateway: rewritingGateway(live.gateway),
    // Apollo's landing page loads from CDNs; the IDE is our bundled one (GET /graphiql).
    plugins: [ApolloServerPluginLandingPageDisabled(), ...pipeline.plugins],
    // Persisted queries are resolved per client by the HTTP layer (persistedQueries.ts).
    persistedQueries: false,
    parseOptions: { maxTokens: config.maxTokens },
    maxRecursiveSelections: config.maxRecursiveSelections,
    // Introspection is decided per request by the authorization plugin (dev mode or schema:introspect).
    introspection: true,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: !config.dev,
    csrfPrevention: true,
    // The process's lifecycle is ours (lib/main.ts drains, then closes the audit store): Apollo's own
    // signal handlers would re-raise the signal and kill the process before the audit is sealed.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    formatError: maskError,
    logger: apolloLogger(logger),
  });
  await server.start();
  const reloader = startReloader({
    files,
    live,
    load: loadConfig,
    logger,
    registry: metrics.registry,
  });

  const jwks = publishedJwks(
    keys,
    config.retiredKeysFile ? (await loadJwksFile(config.retiredKeysFile)).keys : [],
  );
  const jwksBody = JSON.stringify(jwks);
  // The pages name procedures from the registry and fields by the labels in the schema's descriptions,
  // those of the set in force.
  const procedures: ProcedureRegistry = {
    get: (code) => live.current.registry.get(code),
    all: () => live.current.registry.all(),
  };
  const fieldLabels = {
    get: (coordinate: string, lang: Parameters<FieldLabels['get']>[1]) =>
      live.current.fieldLabels.get(coordinate, lang),
    get size() {
      return live.current.fieldLabels.size;
    },
  };
  // Client systems by the name the client registry (CLIENTS_FILE) gives them, else by their id.
  const naming = {
    procedures,
    fieldLabels,
    clientName: (clientId: string) => live.current.clients.get(clientId)?.name,
  };
  const verifyPageToken = (token: string) => verifier.verify(`Bearer ${token}`);
  const admin = createAdminHandler({
    ...naming,
    store: auditStore,
    verifyToken: verifyPageToken,
    checkpointJwks: jwks,
    logger,
  });
  const citizenPage = createCitizenHandler({
    ...naming,
    store: auditStore,
    verifyToken: verifyPageToken,
    checkpointJwks: jwks,
    logger,
  });
  const auditProofs = createAuditProofHandler({
    store: auditStore,
    verify: (authorization) => verifier.verify(authorization),
    logger,
  });
  const graphql = createGraphQLHandler({
    server,
    admit: (context) => withSpan('pipeline.rateLimit', () => pipeline.admit(context)),
    persistedQueries,
    onRefused: () => metrics.graphqlRequests.labels('denied').inc(),
    maxBodyBytes: config.maxBodyBytes,
    beforeSend: config.disabledFeatures.has('attestation') ? undefined : attestationHeaders(keys.attestation),
    createContext: requestContextFactory({
      verify: (authorization) => withSpan('auth.token', () => verifier.verify(authorization)),
      requestTimeoutMs: config.requestTimeoutMs,
    }),
  });

  const graphiql = config.graphiql ? await createGraphiqlHandler() : undefined;

  const http: ServiceServer = await startServiceServer({
    name: 'gateway',
    port: config.port,
    host: config.host,
    logger,
    registry: metrics.registry,
    serveMetrics: config.metricsPort === undefined,
    handler: async (req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '/').split('?', 1)[0];
      if (path === '/graphql') {
        await graphql(req, res);
        return true;
      }
      if (graphiql && (await graphiql(req, res))) return true;
      if (path === '/admin' || path?.startsWith('/admin/')) {
        await admin(req, res);
        return true;
      }
      if (path === '/cong-dan' || path?.startsWith('/cong-dan/')) {
        await citizenPage(req, res);
        return true;
      }
      if (isAuditProofPath(path)) {
        await auditProofs(req, res);
        return true;
      }
      if (path === '/.well-known/jwks.json' && req.method === 'GET') {
        res.writeHead(200, {
          'content-type': 'application/jwk-set+json',
          'cache-control': 'public, max-age=300',
        });
        res.end(jwksBody);
        return true;
      }
      return false;
    },
    checks: {
      audit: () => auditStore.ping(),
      rateLimit: () => rateLimiter.health(),
      persistedQueries: () => persistedQueries.health(),
      // Reported, never deciding: the gateway serves partial results while a subgraph is down.
      ...subgraphChecks(sourceUrls, dispatcher),
    },
  });

  // METRICS_PORT: scrapes reach an operators' listener, never the port clients use.
  const metricsHttp =
    config.metricsPort === undefined
      ? undefined
      : await startServiceServer({
          name: 'gateway-metrics',
          port: config.metricsPort,
          host: config.host,
          logger,
          registry: metrics.registry,
          handler: () => false,
        });

  const close = async () => {
    reloader.close();
    await http.close();
    await metricsHttp?.close();
    await server.stop();
    await dispatcher.close();
    await onestop?.close();
    await rateLimiter[Symbol.asyncDispose]();
    await costLimiter[Symbol.asyncDispose]();
    await redis[Symbol.asyncDispose]();
    if (!options.auditStore) await auditStore[Symbol.asyncDispose]();
  };
  return {
    url: http.url,
    port: http.port,
    metricsUrl: metricsHttp?.url,
    metrics,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function apolloLogger(logger: Logger) {
  const child = logger.child({ module: 'apollo' });
  return {
    debug: (message: string) => child.debug(message),
    info: (message: string) => child.info(message),
    warn: (message: string) => child.warn(message),
    error: (message: string) => child.error(message),
  };
}
