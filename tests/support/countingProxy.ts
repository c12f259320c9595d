// A pass-through HTTP proxy that counts the requests it forwards: placed between the gateway and a
// subgraph, it proves "no subgraph request" by counting, not by inference from the response.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface CountingProxy extends AsyncDisposable {
  /** The proxy's URL for the target's path, e.g. http://127.0.0.1:PORT/graphql. */
  readonly url: string;
  /** Requests forwarded since the last reset. */
  count(): number;
  /** Bodies of the requests forwarded since the last reset, as received. */
  bodies(): readonly string[];
  reset(): void;
}

/** Forwards every request to `target`'s origin, same path, and counts it. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target);
  let forwarded = 0;
  let bodies: string[] = [];
  const server = createServer((req, res) => {
    forwarded++;
    forward(req, res, to.origin, (body) => bodies.push(body)).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}${to.pathname}${to.search}`,
    count: () => forwarded,
    bodies: () => bodies,
    reset: () => {
      forwarded = 0;
      bodies = [];
    },
    [Symbol.asyncDispose]: close,
  };
}

/** Headers that describe one hop, not the request: undici sets its own. */
const HOP_HEADERS = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

async function forward(
  req: IncomingMessage,
  res: ServerResponse,
  origin: string,
  record: (body: string) => void,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  record(Buffer.concat(chunks).toString('utf8'));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && !HOP_HEADERS.has(name)) headers[name] = value;
  }
  const upstream = await request(`${origin}${req.url ?? '/'}`, {
    method: (req.method ?? 'GET') as 'POST',
    headers,
    body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
  });
  const body = Buffer.from(await upstream.body.arrayBuffer());
  const contentType = upstream.headers['content-type'];
  res.writeHead(upstream.statusCode, {
    ...(typeof contentType === 'string' ? { 'content-type': contentType } : {}),
    'content-length': body.length,
  });
  res.end(body);
}
