// Builds a request's GatewayContext from the HTTP request: request id, deadline, the verified client
// identity and the purpose headers as received (the purpose plugin validates them).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ClientIdentity, GatewayContext } from '../context.ts';

export interface RequestContextOptions {
  /** Verifies the Authorization header; rejects with UNAUTHENTICATED. */
  readonly verify: (authorization: string | undefined) => Promise<ClientIdentity>;
  /** Overall budget of one request, in ms. */
  readonly requestTimeoutMs: number;
}

export function requestContextFactory(options: RequestContextOptions) {
  return async (req: IncomingMessage): Promise<GatewayContext> => ({
    requestId: requestIdOf(req),
    startedAt: performance.now(),
    deadline: Date.now() + options.requestTimeoutMs,
    sourcesTouched: new Set(),
    subjectsServed: new Set(),
    resolution: {},
    identity: await options.verify(headerOf(req, 'authorization')),
    purposeHeaders: {
      procedureCode: headerOf(req, 'x-procedure-code'),
      dossierId: headerOf(req, 'x-dossier-id'),
    },
  });
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** A caller-supplied X-Request-Id is kept when it is a plain token; otherwise a fresh UUID. */
function requestIdOf(req: IncomingMessage): string {
  const given = headerOf(req, 'x-request-id');
  return given && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
}
