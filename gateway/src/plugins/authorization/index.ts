// Field-level authorization (DESIGN.md "Scopes") and the operation actually executed.
// The supergraph's @requiresScopes decide which scopes each field needs; before execution the
// operation is rewritten without the fields the scopes in force do not cover, so a removed field is
// never requested from a subgraph. The response then carries null and a FORBIDDEN error at each
// removed field's path ("partial" mode), or the whole request is refused with 403 ("reject" mode).
// The same rewrite adds each selected entity's key under a reserved alias, so the audit knows whose
// data was served even when the client never selected an id; the keys are stripped before sending.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { codedError, ErrorCode } from '../../../../lib/errors.ts';
import type { GatewayContext } from '../../context.ts';
import { applyDenials } from '../../operation/authorizeOperation.ts';
import type { EntityKeys } from '../../operation/subjects.ts';
import { collectSubjects } from '../../operation/subjects.ts';
import type { ScopeRequirements } from '../../operation/supergraphSecurity.ts';
import { operationRewrites } from '../../rewritingGateway.ts';
import { auditFacts } from '../audit/auditFacts.ts';
import { type Decision, decide, decisionKey, selectsIntrospection } from './decide.ts';

export interface AuthorizationPluginOptions {
  readonly requirements: ScopeRequirements;
  /** Entity keys from the supergraph's @join__type, for the audit's subjects. */
  readonly entityKeys: EntityKeys;
  readonly mode: 'partial' | 'reject';
  /** Dev mode allows introspection without `schema:introspect`. */
  readonly dev: boolean;
  /** Decisions kept per (operation, variables that matter, scopes); default 2 000. */
  readonly cacheSize?: number;
}

export function authorizationPlugin(options: AuthorizationPluginOptions): ApolloServerPlugin<GatewayContext> {
  // Parsing, validating and planning are cached by Apollo; the decision is cached here, keyed by
  // everything it depends on, so a hot operation is walked once per scope set.
  const decisions = new LRUCache<string, Decision>({ max: options.cacheSize ?? 2_000 });
  const nothingLeft = new WeakSet<GatewayContext>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({
          contextValue: context,
          document,
          queryHash,
          operationName,
          request,
          schema,
        }) {
          const scopes = new Set(context.resolution.caller?.scopes ?? []);
          if (!options.dev && !scopes.has('schema:introspect') && selectsIntrospection(document)) {
            throw codedError(ErrorCode.FORBIDDEN, 'Introspection needs the schema:introspect scope.', {
              status: 403,
              extensions: { missingScopes: ['schema:introspect'] },
            });
          }
          const variables = request.variables ?? {};
          const key = decisionKey(document, queryHash, operationName, variables, scopes);
          let decision = decisions.get(key);
          if (!decision) {
            decision = decide({ schema, document, operationName, variables, scopes, ...options });
            decisions.set(key, decision);
          }
          const facts = {
            served: decision.servedCoordinates,
            denied: decision.deniedCoordinates,
            subjects: [] as string[],
          };
          auditFacts.set(context, facts);
          if (decision.denied.length > 0 && options.mode === 'reject') {
            throw codedError(
              ErrorCode.FORBIDDEN,
              'The operation selects fields outside the scopes in force.',
              {
                status: 403,
                extensions: { missingScopes: decision.missingScopes },
              },
            );
          }
          operationRewrites.set(context, {
            document: decision.document,
            planKey: decision.planKey,
            finish: (result) => finish(result, decision, schema, facts),
          });
          if (decision.empty) nothingLeft.add(context);
        },
        async responseForOperation({ contextValue: context, response }) {
          // Everything asked for was denied: answer without calling any subgraph.
          if (!nothingLeft.has(context)) return null;
          const result = operationRewrites.get(context)?.finish?.({ data: {} }) ?? { data: {} };
          return { http: response.http, body: { kind: 'single', singleResult: result } };
        },
      };
    },
  };
}

/** Denials first (so subjects are only those whose data is actually served), then the hidden keys out. */
function finish<R extends { data?: Record<string, unknown> | null }>(
  result: R,
  decision: Decision,
  schema: GraphQLSchema,
  facts: { subjects: string[] },
): R {
  const denied = decision.denied.length > 0 ? (applyDenials(result, decision.denied, schema) as R) : result;
  const { subjects, data } = collectSubjects(denied.data);
  facts.subjects = [...subjects];
  return { ...denied, data };
}
