// Field-level authorization (DESIGN.md "Scopes") and the operation actually executed.
// The supergraph's @requiresScopes decide which scopes each field needs; before execution the
// operation is rewritten without the fields the scopes in force do not cover, so a removed field is
// never requested from a subgraph. The response then carries null and a FORBIDDEN error at each
// removed field's path ("partial" mode), or the whole request is refused with 403 ("reject" mode).
// The audit's subjects do not come from here: they are what crossed the gateway (subgraphDataSource.ts).
import type { GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { codedError, ErrorCode } from '../../../../lib/errors.ts';
import { applyDenials } from '../../operation/authorizeOperation.ts';
import type { ScopeRequirements } from '../../operation/supergraphSecurity.ts';
import { fieldNeeded as isFieldNeeded } from '../../procedures.ts';
import { operationRewrites } from '../../rewritingGateway.ts';
import { auditFacts } from '../audit/auditFacts.ts';
import type { OperationStage } from '../pipeline/index.ts';
import { withRootDenials } from '../purpose/dossierSubjects.ts';
import { type Decision, decide, decisionKey, selectsIntrospection } from './decide.ts';

export interface AuthorizationStageOptions {
  /** The scope requirements of the request's configuration set; `hash` tells sets apart in the cache. */
  readonly config: (schema: GraphQLSchema) => {
    readonly requirements: ScopeRequirements;
    readonly hash: string;
  };
  readonly mode: 'partial' | 'reject';
  /** Dev mode allows introspection without `schema:introspect`. */
  readonly dev: boolean;
  /** Decisions kept per (operation, variables that matter, scopes); default 2 000. */
  readonly cacheSize?: number;
}

export function authorizationStage(options: AuthorizationStageOptions): OperationStage {
  // Parsing, validating and planning are cached by Apollo; the decision is cached here, keyed by
  // everything it depends on, so a hot operation is walked once per scope set.
  const decisions = new LRUCache<string, Decision>({ max: options.cacheSize ?? 2_000 });
  return {
    name: 'authorization',
    run({ contextValue: context, document, queryHash, operationName, request, schema }, state) {
      const scopes = new Set(context.resolution.caller?.scopes ?? []);
      if (!options.dev && !scopes.has('schema:introspect') && selectsIntrospection(document)) {
        throw codedError(ErrorCode.FORBIDDEN, 'Introspection needs the schema:introspect scope.', {
          status: 403,
          extensions: { missingScopes: ['schema:introspect'] },
        });
      }
      const variables = request.variables ?? {};
      // Data minimization: the fields the purpose's procedure needs (absent: every field its scopes allow).
      const procedure = context.resolution.procedure;
      const { requirements, hash } = options.config(schema);
      // A reloaded supergraph or registry may decide the same operation otherwise.
      const key = `${hash}:${decisionKey(document, queryHash, operationName, variables, scopes, procedure?.code)}`;
      let decision = decisions.get(key);
      if (!decision) {
        const fieldNeeded = procedure?.fields ? (c: string) => isFieldNeeded(procedure, c) : undefined;
        decision = decide({
          schema,
          document,
          operationName,
          variables,
          scopes,
          requirements,
          ...(fieldNeeded ? { fieldNeeded } : {}),
        });
        decisions.set(key, decision);
      }
      const refusedRoots = state.rootDenials?.map((d) => d.coordinate) ?? [];
      const facts = {
        served: decision.servedCoordinates,
        denied: refusedRoots.length
          ? [...new Set([...decision.deniedCoordinates, ...refusedRoots])].sort()
          : decision.deniedCoordinates,
      };
      auditFacts.set(context, facts);
      if (decision.denied.length > 0 && options.mode === 'reject') {
        throw codedError(ErrorCode.FORBIDDEN, 'The operation selects fields outside the scopes in force.', {
          status: 403,
          extensions: { missingScopes: decision.missingScopes },
        });
      }
      const settled = decision;
      const rewrite = {
        document: settled.document,
        planKey: settled.planKey,
        empty: settled.empty,
        finish: (result: Parameters<typeof finish>[0]) => finish(result, settled, schema),
      };
      // Subjects outside the dossier are refused on top of the field decision (purpose's verdict).
      operationRewrites.set(
        context,
        state.rootDenials ? withRootDenials(rewrite, document, state.rootDenials) : rewrite,
      );
    },
  };
}

/** Null and FORBIDDEN at each denied field's paths. */
function finish<R extends { data?: Record<string, unknown> | null }>(
  result: R,
  decision: Decision,
  schema: GraphQLSchema,
): R {
  return decision.denied.length > 0 ? (applyDenials(result, decision.denied, schema) as R) : result;
}
