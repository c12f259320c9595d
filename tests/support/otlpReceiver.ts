// An OTLP/HTTP trace receiver on a free port, as a collector would run it: it accepts POST /v1/traces,
// keeps each body, and decodes the http/json ones into flat spans (protobuf bodies are kept raw).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a span without a parent in the exporting process's view. */
  readonly parentSpanId: string;
  /** W3C tracestate as the span carried it; empty when none. */
  readonly traceState: string;
  readonly name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  readonly kind: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Everything the exporter sent about the span and its resource, for scanning. */
  readonly raw: string;
}

export interface OtlpBody {
  readonly contentType: string;
  readonly bytes: Buffer;
}

export interface OtlpReceiver extends AsyncDisposable {
  /** The base URL to put in OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  /** Every body received on /v1/traces, in order. */
  bodies(): readonly OtlpBody[];
  /** The spans of every http/json body. */
  spans(): OtlpSpan[];
}

interface JsonAttribute {
  key: string;
  value: Record<string, unknown>;
}

export interface OtlpReceiverOptions {
  /** Default 0 (a free port); 4318 is OTLP/HTTP's usual one. */
  readonly port?: number;
  /** Called with each body as it arrives, and its spans when it is http/json. */
  readonly onBody?: (body: OtlpBody, spans: OtlpSpan[]) => void;
}

export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const bodies: OtlpBody[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const contentType = String(req.headers['content-type'] ?? '');
      const body = { contentType, bytes: Buffer.concat(chunks) };
      bodies.push(body);
      options.onBody?.(body, contentType.includes('json') ? decodeJson(body.bytes) : []);
      // An empty ExportTraceServiceResponse: every span accepted.
      if (contentType.includes('json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies: () => bodies,
    spans: () => bodies.filter((b) => b.contentType.includes('json')).flatMap((b) => decodeJson(b.bytes)),
    [Symbol.asyncDispose]: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function decodeJson(bytes: Buffer): OtlpSpan[] {
  const request = JSON.parse(bytes.toString('utf8')) as {
    resourceSpans?: {
      resource?: { attributes?: JsonAttribute[] };
      scopeSpans?: {
        spans?: {
          traceId: string;
          spanId: string;
          parentSpanId?: string;
          traceState?: string;
          name: string;
          kind: number;
          attributes?: JsonAttribute[];
        }[];
      }[];
    }[];
  };
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        service: String(resource['service.name']),
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? '',
        traceState: span.traceState ?? '',
        name: span.name,
        kind: span.kind,
        attributes: attributesOf(span.attributes),
        raw: JSON.stringify({ resource: resourceSpans.resource, span }),
      })),
    );
  });
}

function attributesOf(attributes: JsonAttribute[] | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, Object.values(value)[0]]));
}
