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
    // The gateway's own id: the audit record and the attestation name it, and no client can choose,
    // repeat or collide it. A client's X-Request-Id is kept apart, as its correlation id.
    requestId: randomUUID(),
    clientRequestId: clientRequestIdOf(req),
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

/** A caller-supplied X-Request-Id, when it is a plain token (it is logged, so nothing else). */
function clientRequestIdOf(req: IncomingMessage): string | undefined {
  const given = headerOf(req, 'x-request-id');
  return given && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : undefined;
}
