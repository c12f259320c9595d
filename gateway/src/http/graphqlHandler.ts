// Serves /graphql on node:http through Apollo Server's executeHTTPGraphQLRequest. Before Apollo Server
// sees a request: the body-size limit, identity (the client token) and admission (rate limit and
// concurrency: plugins/index.ts stages 1–2), then persisted-query references are resolved for that
// client. A hook sees the exact response bytes (the response attestation signs them) before they go.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../../lib/errors.ts';
import { BodyTooLargeError, readBody } from '../../../lib/httpServer.ts';
import type { GatewayContext } from '../context.ts';
import type { PersistedQueries, RequestFields } from '../persistedQueries.ts';
import type { Admit, Release } from '../plugins/rateLimit/index.ts';

export interface GraphQLHandlerOptions {
  readonly server: ApolloServer<GatewayContext>;
  /** Builds the request's context (authenticates; throws a coded GraphQLError to refuse). */
  readonly createContext: (req: IncomingMessage) => Promise<GatewayContext>;
  /** Admits the request for its client (throws RATE_LIMITED to refuse); returns the slot's release. */
  readonly admit: Admit;
  /** Resolves persisted-query references per client. */
  readonly persistedQueries: PersistedQueries;
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** Extra response headers computed from the final body (e.g. the attestation). */
  readonly beforeSend?: (
    body: string,
    status: number,
    context: GatewayContext,
  ) => Promise<Record<string, string>>;
  /** Counts a request refused before Apollo Server saw it, by code. */
  readonly onRefused?: (code: string) => void;
}

export function createGraphQLHandler(options: GraphQLHandlerOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const [, search = ''] = (req.url ?? '').split('?', 2);
    const refuse = (error: GraphQLError) => {
      options.onRefused?.(String(error.extensions['code']));
      sendError(req, res, error);
    };
    let body: unknown;
    if (req.method === 'POST') {
      try {
        body = parseJsonBody(await readBody(req, options.maxBodyBytes), req.headers['content-type']);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        return refuse(
          new GraphQLError(`The request body is over the limit of ${options.maxBodyBytes} bytes.`, {
            extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'maxBodyBytes', http: { status: 413 } },
          }),
        );
      }
    }
    // Stage 1, identity: no valid token, nothing parsed, planned or fetched.
    let context: GatewayContext;
    try {
      context = await options.createContext(req);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      return refuse(error);
    }
    // Stage 2, admission: the client's quota and concurrency slot, whatever the request turns out to be.
    let release: Release;
    try {
      release = await options.admit(context);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      return refuse(error);
    }
    try {
      const tooDeep = nestingRefusal(req.method, body, search);
      if (tooDeep) return refuse(tooDeep);
      const request = await persistedReference(options.persistedQueries, req.method, body, search, context);
      if ('error' in request) return refuse(request.error);
      await execute(options, req, res, context, request.body, request.search);
    } finally {
      release();
    }
  };
}

async function execute(
  options: GraphQLHandlerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  context: GatewayContext,
  body: unknown,
  search: string,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const response = await options.server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: search ? `?${search}` : '', body },
    context: async () => context,
  });
  const status = response.status ?? 200;
  // The gateway's id of the request, which its audit record and attestation carry.
  const outHeaders: Record<string, string> = { 'x-request-id': context.requestId };
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
}

/** The request with its persisted-query reference resolved for this client (POST body or GET fields). */
async function persistedReference(
  persisted: PersistedQueries,
  method: string | undefined,
  body: unknown,
  search: string,
  context: GatewayContext,
): Promise<{ body: unknown; search: string } | { error: GraphQLError }> {
  const clientId = context.identity.clientId;
  if (method === 'POST') {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return { body, search };
    const resolved = await persisted.resolve(body as RequestFields, clientId);
    return 'error' in resolved ? resolved : { body: resolved.fields, search };
  }
  const params = new URLSearchParams(search);
  const extensions = params.get('extensions');
  if (extensions === null) return { body, search };
  let parsed: unknown;
  try {
    parsed = JSON.parse(extensions);
  } catch {
    return { error: badRequest('The extensions parameter is not valid JSON.') };
  }
  const fields: RequestFields = { extensions: parsed, query: params.get('query') ?? undefined };
  const resolved = await persisted.resolve(fields, clientId);
  if ('error' in resolved) return resolved;
  if (typeof resolved.fields.query === 'string') params.set('query', resolved.fields.query);
  params.set('extensions', JSON.stringify(resolved.fields.extensions ?? {}));
  return { body, search: params.toString() };
}

/** Deepest nesting of arrays and objects accepted in variables and extensions. */
export const MAX_JSON_DEPTH = 64;

/**
 * Variables or extensions nested deeper than MAX_JSON_DEPTH are refused before any library walks them:
 * the walks that follow (coercion, cloning, hashing) recurse, and a stack overflow there would be a 500.
 */
function nestingRefusal(method: string | undefined, body: unknown, search: string): GraphQLError | undefined {
  const values: unknown[] = [];
  if (method === 'POST' && typeof body === 'object' && body !== null) {
    values.push((body as RequestFields)['variables'], (body as RequestFields).extensions);
  } else {
    const params = new URLSearchParams(search);
    for (const name of ['variables', 'extensions']) {
      const raw = params.get(name);
      if (raw === null) continue;
      try {
        values.push(JSON.parse(raw));
      } catch {
        // Not JSON, or too deep for the parser itself: Apollo Server refuses it as a bad request.
        if (raw.length > 0 && !/^\s*[[{]/.test(raw)) continue;
        return tooDeep();
      }
    }
  }
  return values.some((value) => depthExceeds(value, MAX_JSON_DEPTH)) ? tooDeep() : undefined;
}

const tooDeep = () =>
  new GraphQLError(`Variables and extensions may nest at most ${MAX_JSON_DEPTH} levels deep.`, {
    extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'maxVariablesDepth', http: { status: 400 } },
  });

/** Whether `value` nests arrays or objects deeper than `max`, walked without recursion. */
export function depthExceeds(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current))
      pending.push([child, depth + 1]);
  }
  return false;
}

const badRequest = (message: string) =>
  new GraphQLError(message, { extensions: { code: ErrorCode.BAD_REQUEST, http: { status: 400 } } });

/**
 * A request refused before Apollo Server: its code, the status and headers the error carries
 * (Retry-After, WWW-Authenticate), in the media type the client accepts.
 */
function sendError(req: IncomingMessage, res: ServerResponse, error: GraphQLError): void {
  const http = error.extensions['http'] as
    | { status?: number; headers?: ReadonlyMap<string, string> | Record<string, string> }
    | undefined;
  const status = http?.status ?? 400;
  const headers: Record<string, string> = {};
  const given = http?.headers;
  if (given) {
    for (const [name, value] of given instanceof Map ? given : Object.entries(given)) headers[name] = value;
  }
  if (status === 401) headers['www-authenticate'] = 'Bearer';
  const { http: _, ...extensions } = error.extensions;
  const text = JSON.stringify({ errors: [{ message: error.message, extensions }] });
  res.writeHead(status, {
    'content-type': `${responseMediaType(req.headers.accept)}; charset=utf-8`,
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** GraphQL over HTTP: application/graphql-response+json when the client accepts it, else JSON. */
export function responseMediaType(accept: string | undefined): string {
  return accept?.toLowerCase().includes('application/graphql-response+json')
    ? 'application/graphql-response+json'
    : 'application/json';
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
