// The log's public face for outsiders (DESIGN.md "Audit log proofs"): the latest signed checkpoint,
// open to anyone (it names no one), and the RFC 9162 proofs, for holders of `audit:read`. An inclusion
// proof carries a record's leaf, so serving one is audited like any read of the audit; a consistency
// proof is hashes only, and a witness polls it every few seconds, so it is not.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../../lib/logger.ts';
import { AuditQueryError } from '../audit/errors.ts';
import type { AuditStore } from '../audit/types.ts';
import type { ClientIdentity } from '../plugins/auth/clientTokenVerifier.ts';

export interface AuditProofHandlerOptions {
  readonly store: AuditStore;
  /** Verifies an `Authorization` header as on /graphql; rejects when it is missing or invalid. */
  readonly verify: (authorization: string | undefined) => Promise<ClientIdentity>;
  readonly logger: Logger;
}

const PATHS = new Set(['/audit/checkpoint', '/audit/proof/inclusion', '/audit/proof/consistency']);

export const isAuditProofPath = (path: string | undefined): boolean => path !== undefined && PATHS.has(path);

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

const problem = (res: ServerResponse, status: number, code: string, message: string, headers = {}) =>
  send(res, status, { error: { code, message } }, headers);

/** A query parameter as a whole number, or a BAD_USER_INPUT naming it. */
function wholeParam(url: URL, name: string): number {
  const text = url.searchParams.get(name);
  if (text === null || !/^(0|[1-9][0-9]{0,15})$/.test(text)) {
    throw new AuditQueryError(name, 'a whole number (query parameter)');
  }
  return Number(text);
}

export function createAuditProofHandler(options: AuditProofHandlerOptions) {
  const { store, logger } = options;

  async function inclusion(url: URL, identity: ClientIdentity, res: ServerResponse): Promise<void> {
    const proof = await store.inclusionProof(wholeParam(url, 'index'), wholeParam(url, 'size'));
    const requestId = randomUUID();
    try {
      await store.append({
        requestId,
        clientId: identity.clientId,
        officer: identity.officer ?? null,
        operationName: 'audit.inclusionProof',
        operationHash: createHash('sha256').update('audit.inclusionProof').digest('hex'),
        fields: [],
        denied: [],
        subjects: [],
        sources: [],
        outcome: 'ok',
        durationMs: 0,
      });
    } catch {
      logger.error({ rid: requestId }, 'audit proof read not audited');
      problem(res, 503, 'AUDIT_UNAVAILABLE', 'The audit record could not be written.');
      return;
    }
    send(res, 200, proof);
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (req.method !== 'GET') {
      problem(res, 405, 'METHOD_NOT_ALLOWED', 'Only GET is served here.', { allow: 'GET' });
      return;
    }
    try {
      if (url.pathname === '/audit/checkpoint') {
        const note = await store.checkpoint();
        if (note === null) problem(res, 404, 'NOT_FOUND', 'No checkpoint has been signed yet.');
        else send(res, 200, note);
        return;
      }
      let identity: ClientIdentity;
      try {
        identity = await options.verify(req.headers.authorization);
      } catch {
        problem(res, 401, 'UNAUTHENTICATED', 'A valid bearer token is required.', {
          'www-authenticate': 'Bearer',
        });
        return;
      }
      if (!identity.scopes.has('audit:read')) {
        problem(res, 403, 'FORBIDDEN', 'Audit proofs need the audit:read scope.');
        return;
      }
      if (url.pathname === '/audit/proof/inclusion') {
        await inclusion(url, identity, res);
        return;
      }
      send(res, 200, await store.consistencyProof(wholeParam(url, 'from'), wholeParam(url, 'to')));
    } catch (error) {
      if (error instanceof AuditQueryError) {
        problem(res, 400, 'BAD_USER_INPUT', error.message);
        return;
      }
      logger.error({ err: (error as Error).name }, 'audit proof not served');
      problem(res, 503, 'AUDIT_UNAVAILABLE', 'The audit log could not be read.');
    }
  };
}
