// Audit (DESIGN.md "Quality bars": no data leaves without its audit record). One record per request
// that reads or is denied protected data, written in willSendResponse — after execution, before a byte
// is sent. If the record cannot be committed the client gets AUDIT_UNAVAILABLE (503) and no data.
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, print } from 'graphql';
import { LRUCache } from 'lru-cache';
import { auditUnavailable } from '../../../../lib/errors.ts';
import { isDossierId, isProcedureCode } from '../../../../lib/ids.ts';
import type { Logger } from '../../../../lib/logger.ts';
import type { AuditStore } from '../../audit/types.ts';
import type { GatewayContext } from '../../context.ts';
import { outcomeOf } from '../../outcome.ts';
import { auditFacts } from './auditFacts.ts';

export interface AuditPluginOptions {
  readonly store: AuditStore;
  readonly logger: Logger;
}

export function auditPlugin(options: AuditPluginOptions): ApolloServerPlugin<GatewayContext> {
  // The normalized operation's hash, once per distinct query.
  const operationHashes = new LRUCache<string, string>({ max: 5_000 });
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue: context, response, document, queryHash, operationName }) {
          if (response.body.kind !== 'single' || !document) return;
          const result = response.body.singleResult;
          if (onlyIntrospection(document)) return;
          const facts = auditFacts.get(context);
          let operationHash = operationHashes.get(queryHash);
          if (!operationHash) {
            operationHash = createHash('sha256').update(print(document)).digest('hex');
            operationHashes.set(queryHash, operationHash);
          }
          const { identity, purposeHeaders } = context;
          const { caller } = context.resolution;
          try {
            await options.store.append({
              requestId: context.requestId,
              clientId: identity.clientId,
              officer: identity.officer ?? null,
              tokenId: identity.tokenId ?? null,
              // A purpose that was refused is still recorded when well-formed (never raw header text).
              procedureCode:
                caller?.procedureCode ?? wellFormed(purposeHeaders.procedureCode, isProcedureCode),
              dossierId: caller?.dossierId ?? wellFormed(purposeHeaders.dossierId, isDossierId),
              operationName: operationName ?? null,
              operationHash,
              fields: facts?.served ?? [],
              denied: facts?.denied ?? [],
              subjects: [...context.subjectsServed].sort(),
              sources: [...context.sourcesTouched].sort(),
              outcome: outcomeOf(result.data, result.errors),
              durationMs: performance.now() - context.startedAt,
            });
          } catch (error) {
            options.logger.error(
              { rid: context.requestId, err: (error as Error).name },
              'audit record not written',
            );
            // Fail closed: nothing of the data leaves without its record.
            const formatted = auditUnavailable();
            response.body.singleResult = {
              errors: [{ message: formatted.message, extensions: { code: formatted.extensions['code'] } }],
            };
            response.http.status = 503;
          }
        },
      };
    },
  };
}

function wellFormed(value: string | undefined, check: (v: string) => boolean): string | null {
  return value !== undefined && check(value) ? value : null;
}

/** `{ __schema … }` and `{ __typename }` read no protected data. */
function onlyIntrospection(document: DocumentNode): boolean {
  return document.definitions.every(
    (d) =>
      d.kind !== 'OperationDefinition' ||
      d.selectionSet.selections.every((s) => s.kind === 'Field' && s.name.value.startsWith('__')),
  );
}
