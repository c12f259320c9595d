// Field-level authorization (DESIGN.md "Scopes"). The supergraph's @requiresScopes decide which
// scopes each field needs; before execution the operation is rewritten without the fields the scopes
// in force do not cover, so a removed field is never requested from a subgraph. The response then
// carries null and a FORBIDDEN error at each removed field's path ("partial" mode), or the whole
// request is refused with 403 ("reject" mode).
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, type DocumentNode, type GraphQLSchema, print, visit } from 'graphql';
import { LRUCache } from 'lru-cache';
import { codedError, ErrorCode } from '../../../../lib/errors.ts';
import type { GatewayContext } from '../../context.ts';
import { applyDenials, authorizeOperation, type DeniedField } from '../../operation/authorizeOperation.ts';
import type { ScopeRequirements } from '../../operation/supergraphSecurity.ts';
import { operationRewrites } from '../../rewritingGateway.ts';
import { auditFacts } from '../audit/auditFacts.ts';

export interface AuthorizationPluginOptions {
  readonly requirements: ScopeRequirements;
  readonly mode: 'partial' | 'reject';
  /** Dev mode allows introspection without `schema:introspect`. */
  readonly dev: boolean;
  /** Decisions kept per (operation, variables that matter, scopes); default 2 000. */
  readonly cacheSize?: number;
}

interface Decision {
  readonly document: DocumentNode;
  readonly denied: readonly DeniedField[];
  readonly servedCoordinates: readonly string[];
  readonly deniedCoordinates: readonly string[];
  readonly empty: boolean;
  readonly planKey: string;
}

export function authorizationPlugin(options: AuthorizationPluginOptions): ApolloServerPlugin<GatewayContext> {
  // Parsing, validating and planning are cached by Apollo; the authorization decision is cached here,
  // keyed by everything it depends on, so a hot operation is walked once per scope set.
  const decisions = new LRUCache<string, Decision>({ max: options.cacheSize ?? 2_000 });
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const context = requestContext.contextValue;
          const scopes = new Set(context.resolution.caller?.scopes ?? []);
          if (
            !options.dev &&
            !scopes.has('schema:introspect') &&
            selectsIntrospection(requestContext.document)
          ) {
            throw codedError(ErrorCode.FORBIDDEN, 'Introspection needs the schema:introspect scope.', {
              status: 403,
              extensions: { missingScopes: ['schema:introspect'] },
            });
          }
          const variables = requestContext.request.variables ?? {};
          const key = decisionKey(
            requestContext.document,
            requestContext.queryHash,
            requestContext.operationName,
            variables,
            scopes,
          );
          let decision = decisions.get(key);
          if (!decision) {
            decision = decide(
              requestContext.schema,
              requestContext.document,
              requestContext.operationName,
              variables,
              scopes,
              options.requirements,
            );
            decisions.set(key, decision);
          }
          auditFacts.set(context, {
            served: decision.servedCoordinates,
            denied: decision.deniedCoordinates,
            subjects: [],
          });
          if (decision.denied.length === 0) return;
          if (options.mode === 'reject') {
            const missing = [...new Set(decision.denied.flatMap((d) => d.missingScopes))].sort();
            throw codedError(
              ErrorCode.FORBIDDEN,
              'The operation selects fields outside the scopes in force.',
              {
                status: 403,
                extensions: { missingScopes: missing },
              },
            );
          }
          const { denied } = decision;
          const schema = requestContext.schema;
          operationRewrites.set(context, {
            document: decision.document,
            planKey: decision.planKey,
            finish: (result) => applyDenials(result, denied, schema),
          });
          requestContextsWithNothingLeft.set(context, decision.empty);
        },
        async responseForOperation(requestContext) {
          // Everything asked for was denied: answer without calling any subgraph.
          const context = requestContext.contextValue;
          if (!requestContextsWithNothingLeft.get(context)) return null;
          const rewrite = operationRewrites.get(context);
          const result = rewrite?.finish?.({ data: {} }) ?? { data: {} };
          return { http: requestContext.response.http, body: { kind: 'single', singleResult: result } };
        },
      };
    },
  };
}

const requestContextsWithNothingLeft = new WeakMap<GatewayContext, boolean>();

function decide(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined | null,
  variables: Record<string, unknown>,
  scopes: ReadonlySet<string>,
  requirements: ScopeRequirements,
): Decision {
  const result = authorizeOperation({
    schema,
    document,
    operationName: operationName ?? undefined,
    variables,
    scopes,
    requirements,
  });
  const planKey =
    result.denied.length === 0 ? '' : createHash('sha256').update(print(result.document)).digest('hex');
  return {
    document: result.document,
    denied: result.denied,
    servedCoordinates: result.servedCoordinates,
    deniedCoordinates: [...new Set(result.denied.map((d) => d.coordinate))].sort(),
    empty: result.empty,
    planKey,
  };
}

const conditionVariablesByQuery = new LRUCache<string, string[]>({ max: 2_000 });

function decisionKey(
  document: DocumentNode,
  queryHash: string,
  operationName: string | undefined | null,
  variables: Record<string, unknown>,
  scopes: ReadonlySet<string>,
): string {
  // Variables matter only through @skip/@include, which decide whether a field is requested at all.
  let names = conditionVariablesByQuery.get(queryHash);
  if (!names) {
    names = conditionVariables(document);
    conditionVariablesByQuery.set(queryHash, names);
  }
  const conditions = names.map((name) => `${name}=${variables[name] === true}`).join(',');
  return `${queryHash}\u0000${operationName ?? ''}\u0000${[...scopes].sort().join(' ')}\u0000${conditions}`;
}

function selectsIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The variables that @skip/@include read: the only ones that change the authorization decision. */
function conditionVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Directive(node) {
      if (node.name.value !== 'skip' && node.name.value !== 'include') return;
      for (const arg of node.arguments ?? [])
        if (arg.value.kind === 'Variable') names.add(arg.value.name.value);
    },
  });
  return [...names].sort();
}
