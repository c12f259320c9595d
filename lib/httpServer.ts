// The HTTP shell every process shares: /healthz, /readyz and /metrics, a lifecycle phase, JSON
// helpers with a body-size limit, and a graceful close that drains in-flight requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.ts';
import { serverSpan } from './tracing.ts';

export type Phase = 'starting' | 'ready' | 'draining' | 'stopped';

/** One dependency's state as /readyz reports it. */
export interface CheckResult {
  readonly ok: boolean;
  /** Short, non-personal detail, e.g. "memory cache" or "circuit open". */
  readonly detail?: string;
  /** A degraded dependency is reported but does not make the process unready. */
  readonly degraded?: boolean;
}

export type ReadinessCheck = () => Promise<CheckResult> | CheckResult;

/** Handles a request; returns false when the route is not its own (→ 404). */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

export interface ServiceServerOptions {
  readonly name: string;
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /** Interface to bind; default 127.0.0.1 (HOST). */
  readonly host?: string;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Answer GET /metrics on this listener; default true (false when metrics have their own port). */
  readonly serveMetrics?: boolean;
  readonly handler: RequestHandler;
  /** Named dependency checks for /readyz. */
  readonly checks?: Readonly<Record<string, ReadinessCheck>>;
  /** How long close() waits for in-flight requests before cutting connections; default 10 000 ms. */
  readonly drainTimeoutMs?: number;
}

export interface ServiceServer extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  phase(): Phase;
  close(): Promise<void>;
}

export async function startServiceServer(options: ServiceServerOptions): Promise<ServiceServer> {
  const state: { phase: Phase } = { phase: 'starting' };
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    dispatch(req, res, options, state).catch((error: unknown) => {
      options.logger.error({ err: error }, 'unhandled error in request handler');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  const host = options.host ?? process.env['HOST'] ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  state.phase = 'ready';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  options.logger.info({ url }, `${options.name} listening`);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= drainAndClose(server, state, options.drainTimeoutMs ?? 10_000);
    return closing;
  };
  return { url, port, server, phase: () => state.phase, close, [Symbol.asyncDispose]: close };
}

async function dispatch(
  req: IncomingMessage,
  res: ServerResponse,
  options: ServiceServerOptions,
  state: { phase: Phase },
): Promise<void> {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (req.method === 'GET' && path === '/healthz') return sendJson(res, 200, { status: 'ok' });
  if (req.method === 'GET' && path === '/readyz')
    return sendReadiness(res, options.checks ?? {}, state.phase);
  if (req.method === 'GET' && path === '/metrics' && options.serveMetrics !== false) {
    const body = await options.registry.metrics();
    res.writeHead(200, { 'content-type': options.registry.contentType });
    res.end(body);
    return;
  }
  if (state.phase === 'draining') res.setHeader('connection', 'close');
  // Probes above stay out of traces; every other request gets a server span (a no-op when untraced).
  await serverSpan(req, res, async () => {
    const handled = await options.handler(req, res);
    if (!handled && !res.headersSent) sendJson(res, 404, { error: 'not found' });
  });
}

async function sendReadiness(
  res: ServerResponse,
  checks: Readonly<Record<string, ReadinessCheck>>,
  phase: Phase,
): Promise<void> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
      try {
        return [name, await check()];
      } catch {
        return [name, { ok: false, detail: 'check failed' }];
      }
    }),
  );
  const results = Object.fromEntries(entries);
  const ready = phase === 'ready' && entries.every(([, r]) => r.ok || r.degraded === true);
  sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', phase, checks: results });
}

async function drainAndClose(server: Server, state: { phase: Phase }, drainTimeoutMs: number): Promise<void> {
  state.phase = 'draining';
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), drainTimeoutMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
  state.phase = 'stopped';
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** Reads the whole body, refusing more than maxBytes (the rest is not buffered). */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes)
    throw new BodyTooLargeError(`body over ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyTooLargeError(`body over ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads and parses a JSON body; undefined when it is not valid JSON. */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const body = await readBody(req, maxBytes);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
