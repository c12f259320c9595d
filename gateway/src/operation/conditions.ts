// @skip and @include, evaluated once with the request's variables: a field they exclude is neither
// authorized nor served, and the rewritten operation no longer needs them.
import {
  type DirectiveNode,
  type FieldNode,
  type FragmentSpreadNode,
  GraphQLIncludeDirective,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getDirectiveValues,
  getVariableValues,
  type InlineFragmentNode,
  type OperationDefinitionNode,
} from 'graphql';

export type Inclusion = 'included' | 'excluded' | 'unknown';
export type CoercedVariables = Readonly<Record<string, unknown>>;

/** The variables as execution will see them (defaults applied), or undefined when they do not coerce. */
export function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
): CoercedVariables | undefined {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, {
    maxErrors: 1,
  });
  return 'coerced' in result ? result.coerced : undefined;
}

/**
 * Whether execution will include the node. "unknown" (variables that do not coerce) keeps the node
 * and its directives, so that authorization still checks it and execution reports the bad variable.
 */
export function inclusionOf(
  node: FieldNode | FragmentSpreadNode | InlineFragmentNode,
  variables: CoercedVariables | undefined,
): Inclusion {
  if (!node.directives?.some(isCondition)) return 'included';
  try {
    const skip = getDirectiveValues(GraphQLSkipDirective, node, variables);
    const include = getDirectiveValues(GraphQLIncludeDirective, node, variables);
    if (skip?.['if'] === true || include?.['if'] === false) return 'excluded';
    if (skip && typeof skip['if'] !== 'boolean') return 'unknown';
    if (include && typeof include['if'] !== 'boolean') return 'unknown';
    return 'included';
  } catch {
    return 'unknown';
  }
}

/** The node's directives without @skip/@include (for a node known to be included). */
export function withoutConditions(
  directives: readonly DirectiveNode[] | undefined,
): readonly DirectiveNode[] | undefined {
  if (!directives?.some(isCondition)) return directives;
  return directives.filter((d) => !isCondition(d));
}

function isCondition(directive: DirectiveNode): boolean {
  return directive.name.value === 'skip' || directive.name.value === 'include';
}
