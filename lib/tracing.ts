// Tracing (DESIGN.md "Tracing"): OpenTelemetry's Node SDK, configured by the standard OTEL_* variables,
// started first thing by every process when an OTLP endpoint is set. Without one neither the SDK nor
// the API is loaded and withSpan calls its function directly: tracing off costs a test per span.
//
// Spans are made by hand at the server (serverSpan) rather than by the http instrumentation: that one
// patches node:http through require hooks, which an ESM process only honours when started with a
// loader flag. undici's instrumentation listens on diagnostics_channel, so it sees every outgoing
// request (fetch, request, dispatcher.request) and injects traceparent without any hook.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import { ConfigError } from './errors.ts';

/** Protocols the OTLP exporters speak (OTEL_EXPORTER_OTLP_PROTOCOL); the SDK's default is http/protobuf. */
const PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;

type Api = typeof import('@opentelemetry/api');

/** Set while spans are exported; even the API is loaded only then. */
let traced: { readonly api: Api; readonly tracer: Tracer } | undefined;

export interface Tracing {
  /** Whether spans are being exported. */
  readonly enabled: boolean;
  /** Wraps a running component so that disposing it also flushes and stops tracing, after it. */
  around(component: AsyncDisposable): AsyncDisposable;
}

/** Whether this process exports spans (startTracing found an endpoint). */
export function tracingEnabled(): boolean {
  return traced !== undefined;
}

/**
 * Starts the SDK when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set (and
 * OTEL_SDK_DISABLED is not "true"). `serviceName` is the default of OTEL_SERVICE_NAME. Throws a
 * ConfigError for an endpoint that is not a URL or a protocol the exporters do not speak.
 */
export async function startTracing(
  serviceName: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Tracing> {
  const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (!endpoint || env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true' || traced) {
    return { enabled: false, around: (component) => component };
  }
  checkVariables(env);
  // Loaded only here: an untraced process never pays for the SDK's modules.
  const [api, { NodeSDK, core, resources }, { UndiciInstrumentation }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-undici'),
  ]);
  const { defaultResource, resourceFromAttributes } = resources;
  const sdk = new NodeSDK({
    // The env detector (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) is merged over this, so it wins.
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': serviceName })),
    instrumentations: [
      new UndiciInstrumentation({
        // Upstream paths can carry a record's key (e.g. a result code): only their template is kept.
        startSpanHook: (request) => {
          const path = redactPath(request.path);
          return { 'url.full': `${request.origin}${path}`, 'url.path': path, 'url.query': '' };
        },
      }),
    ],
    // A client's W3C baggage is not passed on to subgraphs and national databases (it could carry
    // anything) unless an operator names a propagator list in OTEL_PROPAGATORS.
    ...(env['OTEL_PROPAGATORS'] ? {} : { textMapPropagator: new core.W3CTraceContextPropagator() }),
    // Traces only: metrics are Prometheus's (/metrics), logs are pino's.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  traced = { api, tracer: api.trace.getTracer('lienthong') };
  let stopped: Promise<void> | undefined;
  const shutdown = () => {
    stopped ??= sdk.shutdown().finally(() => {
      traced = undefined;
    });
    return stopped;
  };
  return {
    enabled: true,
    around: (component) => ({
      async [Symbol.asyncDispose]() {
        try {
          await component[Symbol.asyncDispose]();
        } finally {
          await shutdown();
        }
      },
    }),
  };
}

function checkVariables(env: NodeJS.ProcessEnv): void {
  const problems: string[] = [];
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
    const value = env[name];
    if (value && !URL.canParse(value)) {
      problems.push(
        `${name}: expected an http(s) URL such as http://127.0.0.1:4318, got ${JSON.stringify(value)}`,
      );
    }
  }
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const value = env[name]?.trim();
    if (value && !(PROTOCOLS as readonly string[]).includes(value)) {
      problems.push(`${name}: expected one of ${PROTOCOLS.join(', ')}, got ${JSON.stringify(value)}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * Runs `fn` in a span named `name`, a child of the active one, and ends it when `fn` settles; a throw or
 * rejection marks it as an error with the error's code or name only (messages can quote input).
 * Attributes must carry no personal data: hash identifiers with lib/logger's hashIdentifier, or give
 * counts. With tracing off, `fn` is called directly and gets no span.
 */
export function withSpan<T>(name: string, fn: (span: Span | undefined) => T, attributes?: Attributes): T {
  if (!traced) return fn(undefined);
  const { api } = traced;
  return traced.tracer.startActiveSpan(name, attributes ? { attributes } : {}, (span) => {
    let result: T;
    try {
      result = fn(span);
    } catch (error) {
      endWithError(api, span, error);
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          endWithError(api, span, error);
          throw error;
        },
      ) as T;
    }
    span.end();
    return result;
  });
}

function endWithError(api: Api, span: Span, error: unknown): void {
  const code = (error as { code?: unknown; extensions?: { code?: unknown } } | null)?.extensions?.code;
  const type = typeof code === 'string' ? code : ((error as Error | null)?.name ?? 'Error');
  span.setAttribute('error.type', type);
  span.setStatus({ code: api.SpanStatusCode.ERROR });
  span.end();
}

/**
 * Handles one incoming request in a server span that continues the caller's W3C trace context
 * (traceparent, tracestate, baggage), or starts a trace. The span carries the method, the path with
 * identifier-like segments replaced, and the status.
 */
export function serverSpan(
  req: IncomingMessage,
  res: ServerResponse,
  handle: () => Promise<void>,
): Promise<void> {
  if (!traced) return handle();
  const { api, tracer } = traced;
  const parent = api.propagation.extract(api.ROOT_CONTEXT, req.headers);
  const method = req.method ?? 'GET';
  const path = redactPath(req.url ?? '/');
  const span = tracer.startSpan(
    `${method} ${path}`,
    { kind: api.SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } },
    parent,
  );
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
    span.end();
  });
  return api.context.with(api.trace.setSpan(parent, span), handle);
}

/**
 * A path fit for a span: no query string (GET /graphql carries variables there), and each segment
 * holding three or more digits (an identifier, a code) replaced by `{id}`.
 */
export function redactPath(path: string): string {
  const bare = path.split('?', 1)[0] ?? '/';
  return bare
    .split('/')
    .map((segment) => (/\d{3}/.test(segment) || segment.length > 64 ? '{id}' : segment))
    .join('/');
}
