// Serves /graphql on node:http through Apollo Server's executeHTTPGraphQLRequest: the body-size
// limit is enforced before anything is parsed, and a hook sees the exact response bytes (the
// response attestation signs them) before they are sent.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { BodyTooLargeError, readBody, sendJson } from '../../../lib/httpServer.ts';
import type { GatewayContext } from '../context.ts';

export interface GraphQLHandlerOptions {
  readonly server: ApolloServer<GatewayContext>;
  /** Builds the request's context (authenticates; throws a coded GraphQLError to refuse). */
  readonly createContext: (req: IncomingMessage) => Promise<GatewayContext>;
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** Extra response headers computed from the final body (e.g. the attestation). */
  readonly beforeSend?: (
    body: string,
    status: number,
    context: GatewayContext,
  ) => Promise<Record<string, string>>;
}

export function createGraphQLHandler(options: GraphQLHandlerOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const [, search = ''] = (req.url ?? '').split('?', 2);
    let body: unknown;
    if (req.method === 'POST') {
      try {
        body = parseJsonBody(await readBody(req, options.maxBodyBytes), req.headers['content-type']);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          return sendJson(
            res,
            413,
            graphqlError(
              'QUERY_TOO_COMPLEX',
              `The request body is over the limit of ${options.maxBodyBytes} bytes.`,
              'maxBodyBytes',
            ),
          );
        }
        throw error;
      }
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    // Identity is settled before Apollo Server sees the request: no valid token, nothing parsed,
    // planned or fetched.
    let context: GatewayContext;
    try {
      context = await options.createContext(req);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      const http = error.extensions['http'] as { status?: number } | undefined;
      const status = http?.status ?? 400;
      const extra: Record<string, string> = status === 401 ? { 'www-authenticate': 'Bearer' } : {};
      return sendJson(
        res,
        status,
        { errors: [{ message: error.message, extensions: { code: error.extensions['code'] } }] },
        extra,
      );
    }
    const response = await options.server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: search ? `?${search}` : '', body },
      context: async () => context,
    });
    const status = response.status ?? 200;
    const outHeaders: Record<string, string> = {};
    for (const [name, value] of response.headers) outHeaders[name] = value;
    if (response.body.kind === 'complete') {
      const text = response.body.string;
      const extra = options.beforeSend ? await options.beforeSend(text, status, context) : {};
      res.writeHead(status, { ...outHeaders, ...extra, 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    // Incremental delivery is not enabled; kept correct should a chunked body ever appear.
    res.writeHead(status, outHeaders);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

/** JSON bodies are parsed here; other content types reach Apollo Server as text so it can refuse them. */
function parseJsonBody(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8');
  if (!contentType?.toLowerCase().includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function graphqlError(code: string, message: string, limit?: string) {
  return { errors: [{ message, extensions: { code, ...(limit ? { limit } : {}) } }] };
}
