// The authorization decision for one (operation, scopes, conditions) triple: the document to run,
// what is denied and served, and a query-plan key unique to that document.
import { createHash } from 'node:crypto';
import { BREAK, type DocumentNode, type GraphQLSchema, print, visit } from 'graphql';
import { LRUCache } from 'lru-cache';
import { authorizeOperation, type DeniedField } from '../../operation/authorizeOperation.ts';
import type { ScopeRequirements } from '../../operation/supergraphSecurity.ts';

export interface Decision {
  readonly document: DocumentNode;
  readonly denied: readonly DeniedField[];
  readonly missingScopes: readonly string[];
  readonly servedCoordinates: readonly string[];
  readonly deniedCoordinates: readonly string[];
  readonly empty: boolean;
  /** Hash of the rewritten document: @apollo/gateway caches plans per (queryHash, planKey). */
  readonly planKey: string;
}

export interface DecideInput {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operationName: string | null | undefined;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly scopes: ReadonlySet<string>;
  readonly requirements: ScopeRequirements;
  /** Data minimization: whether the purpose's procedure needs a coordinate; default every field. */
  readonly fieldNeeded?: (coordinate: string) => boolean;
}

export function decide(input: DecideInput): Decision {
  const result = authorizeOperation({ ...input, operationName: input.operationName ?? undefined });
  const document = result.document;
  return {
    document,
    denied: result.denied,
    missingScopes: [...new Set(result.denied.flatMap((d) => d.missingScopes))].sort(),
    servedCoordinates: result.servedCoordinates,
    deniedCoordinates: [...new Set(result.denied.map((d) => d.coordinate))].sort(),
    empty: result.empty,
    planKey: createHash('sha256').update(print(document)).digest('hex'),
  };
}

const conditionVariablesByQuery = new LRUCache<string, string[]>({ max: 2_000 });

/** Everything a decision depends on: the operation, the scopes, and the @skip/@include conditions. */
export function decisionKey(
  document: DocumentNode,
  queryHash: string,
  operationName: string | undefined | null,
  variables: Readonly<Record<string, unknown>>,
  scopes: ReadonlySet<string>,
  procedureCode = '',
): string {
  let names = conditionVariablesByQuery.get(queryHash);
  if (!names) {
    names = conditionVariables(document);
    conditionVariablesByQuery.set(queryHash, names);
  }
  const conditions = names.map((name) => `${name}=${conditionValue(variables, name)}`).join(',');
  return `${queryHash}\u0000${operationName ?? ''}\u0000${[...scopes].sort().join(' ')}\u0000${procedureCode}\u0000${conditions}`;
}

/**
 * What a condition variable contributes to the decision: its boolean, or "default" when omitted (the
 * operation's default applies, which may be true), or "invalid" for anything else (null or not a
 * boolean: the conditions do not coerce). Never the raw value, which a client could make huge.
 */
function conditionValue(variables: Readonly<Record<string, unknown>>, name: string): string {
  if (!Object.hasOwn(variables, name) || variables[name] === undefined) return 'default';
  const value = variables[name];
  return typeof value === 'boolean' ? String(value) : 'invalid';
}

/** The variables that @skip/@include read: the only ones that change the decision. */
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

export function selectsIntrospection(document: DocumentNode): boolean {
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
