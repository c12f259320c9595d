// The one way a subgraph is built and served: its SDL and resolvers become a Federation subgraph
// schema, the SDL's @requiresScopes are enforced on it, and Apollo Server runs it behind the internal
// token check on the shared HTTP shell (/healthz, /readyz, /metrics).
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import {
  defaultFieldResolver,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  parse,
} from 'graphql';
import { forbidden, internalError } from '../../lib/errors.ts';
import { type ReadinessCheck, type RequestHandler, startServiceServer } from '../../lib/httpServer.ts';
import type { Caller, InternalTokenVerifier } from '../../lib/internalToken.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Metrics } from '../../lib/metrics.ts';
import { type SubgraphContext, scopesOfContext } from './context.ts';
import { createGraphQLHandler } from './graphqlHandler.ts';
import { guardSchemaScopes, readScopeRequirements } from './scopeGuard.ts';
import { entityKeyFields, recordServedEntities, servedSubjectsPlugin } from './servedSubjects.ts';

/** Default largest request body: generous for an `_entities` batch of 100 representations. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface SubgraphServerOptions<L> {
  /** Subgraph name, also the internal token's audience suffix. */
  readonly name: string;
  readonly sdl: string;
  readonly resolvers: GraphQLResolverMap<SubgraphContext<L>>;
  /** Builds this request's loaders. */
  readonly createLoaders: (caller: Caller) => L;
  readonly verifier: InternalTokenVerifier;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Default 1 MiB. */
  readonly maxBodyBytes?: number;
  readonly checks?: Readonly<Record<string, ReadinessCheck>>;
  /** Called after the server has drained: closes what the subgraph created (pools…). */
  readonly onClose?: () => Promise<void>;
  /** Routes served besides /graphql (e.g. POST /admin/evict), tried in order before it. */
  readonly routes?: readonly RequestHandler[];
}

export interface RunningSubgraph extends AsyncDisposable {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4001/graphql. */
  readonly url: string;
  /** Origin of the HTTP server (for /healthz, /readyz, /metrics). */
  readonly baseUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startSubgraphServer<L>(options: SubgraphServerOptions<L>): Promise<RunningSubgraph> {
  const typeDefs = parse(options.sdl);
  const schema = buildSubgraphSchema([{ typeDefs, resolvers: options.resolvers }]);
  guardSchemaScopes(schema, readScopeRequirements(options.sdl), scopesOfContext);
  recordServedEntities(schema, entityKeyFields(typeDefs));
  guardServiceSdl(schema);
  const apollo = new ApolloServer<SubgraphContext<L>>({
    schema,
    // Set explicitly, never from NODE_ENV: the subgraphs are reached only through the gateway.
    introspection: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    formatError: (formatted, error) => maskUnexpected(formatted, error, options.logger),
    // Inline traces (ftv1) would hand resolver timings to whoever asks; the gateway does not use them.
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      outcomeMetricsPlugin(options.metrics),
      servedSubjectsPlugin(),
    ],
    // The process's lifecycle is ours (lib/main.ts drains, then closes the cache): Apollo's own signal
    // handlers would re-raise the signal and kill the process mid-drain.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const handler = createGraphQLHandler({
    server: apollo,
    verifier: options.verifier,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    logger: options.logger,
    createContext: (caller) => ({
      caller,
      scopes: new Set(caller.scopes),
      loaders: options.createLoaders(caller),
      logger: options.logger.child({ rid: caller.requestId }),
      subjects: new Set<string>(),
    }),
  });
  const http = await startServiceServer({
    name: `subgraph-${options.name}`,
    port: options.port,
    ...(options.host === undefined ? {} : { host: options.host }),
    logger: options.logger,
    registry: options.metrics.registry,
    handler: options.routes?.length ? firstHandling([...options.routes, handler]) : handler,
    ...(options.checks === undefined ? {} : { checks: options.checks }),
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await http.close();
      await apollo.stop();
      await options.onClose?.();
    })();
    return closing;
  };
  return {
    url: `${http.url}/graphql`,
    baseUrl: http.url,
    port: http.port,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The internal-token scope that may read a subgraph's SDL through `_service` (composition tooling). */
export const COMPOSITION_SCOPE = 'schema:compose';

/**
 * `_service { sdl }` describes the whole subgraph, including fields a caller may not read; the gateway
 * composes from the committed supergraph and never asks for it, so only a token minted for composition
 * is answered.
 */
function guardServiceSdl(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()['_service'];
  if (!field) return;
  const resolve = field.resolve ?? defaultFieldResolver;
  field.resolve = (source, args, context, info) => {
    if (!scopesOfContext(context).has(COMPOSITION_SCOPE)) {
      throw forbidden('The subgraph SDL is served to composition only.', [COMPOSITION_SCOPE]);
    }
    return resolve(source, args, context, info);
  };
}

/** Tries each handler in turn until one serves the request. */
function firstHandling(handlers: readonly RequestHandler[]): RequestHandler {
  return async (req, res) => {
    for (const handle of handlers) if (await handle(req, res)) return true;
    return false;
  };
}

/** Coded errors pass; anything else thrown in a resolver is logged and reaches the client masked. */
export function maskUnexpected(
  formatted: GraphQLFormattedError,
  error: unknown,
  logger: Logger,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof GraphQLError) return formatted;
  logger.error({ err: original, path: formatted.path }, 'unexpected resolver error');
  const masked = internalError();
  return { message: masked.message, path: formatted.path, extensions: { code: masked.extensions['code'] } };
}

function outcomeMetricsPlugin(metrics: Metrics): ApolloServerPlugin<SubgraphContext<unknown>> {
  return {
    async requestDidStart() {
      const end = metrics.requestDuration.startTimer();
      return {
        async willSendResponse({ response }) {
          end();
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          const outcome = !errors?.length ? 'ok' : data ? 'partial' : 'error';
          metrics.graphqlRequests.inc({ outcome });
        },
      };
    },
  };
}
