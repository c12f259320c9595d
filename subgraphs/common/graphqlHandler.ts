// POST /graphql of a subgraph: the internal token is checked before anything is read or executed,
// then Apollo Server executes the request with a fresh per-request context.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import type { RequestHandler } from '../../lib/httpServer.ts';
import { BodyTooLargeError, readJson, sendJson } from '../../lib/httpServer.ts';
import { bearerToken, type Caller, type InternalTokenVerifier } from '../../lib/internalToken.ts';
import type { Logger } from '../../lib/logger.ts';

export interface GraphQLHandlerOptions<C extends object> {
  readonly server: ApolloServer<C>;
  readonly verifier: InternalTokenVerifier;
  readonly createContext: (caller: Caller) => C;
  /** Largest accepted request body in bytes. */
  readonly maxBodyBytes: number;
  readonly logger: Logger;
}

const errorBody = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

export function createGraphQLHandler<C extends object>(options: GraphQLHandlerOptions<C>): RequestHandler {
  return async (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/graphql') return false;
    if (req.method !== 'POST') {
      sendJson(res, 405, errorBody('Only POST is served here.', 'METHOD_NOT_ALLOWED'), { allow: 'POST' });
      return true;
    }
    let caller: Caller;
    try {
      caller = await options.verifier.verify(bearerToken(req.headers.authorization));
    } catch (error) {
      options.logger.warn({ reason: (error as Error).message }, 'internal token rejected');
      sendJson(
        res,
        401,
        errorBody('A valid internal token from the gateway is required.', 'UNAUTHENTICATED'),
        {
          'www-authenticate': 'Bearer',
        },
      );
      return true;
    }
    const body = await readBodyOrAnswer(req, res, options.maxBodyBytes);
    if (body === undefined) return true;
    const response = await options.server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: headerMapOf(req), search: '', body },
      context: async () => options.createContext(caller),
    });
    await writeResponse(res, response);
    return true;
  };
}

async function readBodyOrAnswer(req: IncomingMessage, res: ServerResponse, maxBytes: number) {
  try {
    const body = await readJson(req, maxBytes);
    if (body === undefined) sendJson(res, 400, errorBody('The body is not valid JSON.', 'BAD_REQUEST'));
    return body;
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    sendJson(res, 413, errorBody(`The body is over ${maxBytes} bytes.`, 'BAD_REQUEST'), {
      connection: 'close',
    });
    return undefined;
  }
}

function headerMapOf(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

type HTTPGraphQLResponse = Awaited<ReturnType<ApolloServer['executeHTTPGraphQLRequest']>>;

async function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
