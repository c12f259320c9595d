// Limits on what one operation may ask (DESIGN.md "Errors": QUERY_TOO_COMPLEX), checked after
// parsing and validation and before any subgraph is called. Token count and recursive selections are
// bounded earlier by Apollo Server itself (parseOptions.maxTokens, maxRecursiveSelections); the body
// size by the HTTP layer. Rejections name the limit, never the computed figure.
import { type GraphQLSchema, getVariableValues, type OperationDefinitionNode } from 'graphql';
import { codedError, ErrorCode, queryTooComplex } from '../../../../lib/errors.ts';
import type { OperationStage } from '../pipeline/index.ts';
import { measureOperation } from './measureOperation.ts';

export interface QueryLimits {
  /** Deepest nesting of fields; default 12. */
  readonly maxDepth: number;
  /** Aliased fields in one operation; default 30. */
  readonly maxAliases: number;
  /** Directive applications in one operation; default 50. */
  readonly maxDirectives: number;
  /** Fields in one operation, fragments expanded; default 1 000. */
  readonly maxFields: number;
  /** Estimated cost: fields, each list weighted by its size; default 20 000. */
  readonly maxCost: number;
  /** Size of the variables as JSON, in bytes; default 64 KiB. */
  readonly maxVariablesBytes: number;
  /** Items assumed for a list without a size argument; default 10. */
  readonly defaultListSize: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = Object.freeze({
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 50,
  maxFields: 1_000,
  maxCost: 20_000,
  maxVariablesBytes: 65_536,
  defaultListSize: 10,
});

export function limitsStage(limits: QueryLimits): OperationStage {
  return {
    name: 'limits',
    run({ request, operation, document, schema }, state) {
      if (!operation) return; // Apollo Server has already refused an unresolvable operation.
      const variables = request.variables ?? {};
      if (Buffer.byteLength(JSON.stringify(variables)) > limits.maxVariablesBytes) {
        throw queryTooComplex('maxVariablesBytes', 'The variables are larger than allowed.');
      }
      checkVariableTypes(schema, operation, variables);
      const fragments = Object.fromEntries(
        document.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [[d.name.value, d]] : [])),
      );
      const m = measureOperation(schema, operation, fragments, variables, limits);
      if (m.depth > limits.maxDepth) throw queryTooComplex('maxDepth', 'The operation is nested too deeply.');
      if (m.aliases > limits.maxAliases)
        throw queryTooComplex('maxAliases', 'The operation uses too many aliases.');
      if (m.directives > limits.maxDirectives) {
        throw queryTooComplex('maxDirectives', 'The operation uses too many directives.');
      }
      if (m.fields > limits.maxFields)
        throw queryTooComplex('maxFields', 'The operation selects too many fields.');
      if (m.cost > limits.maxCost)
        throw queryTooComplex('maxCost', 'The operation is estimated to cost more than allowed.');
      state.cost = m.cost;
    },
  };
}

/**
 * Variables are coerced here, before planning: @apollo/gateway would otherwise answer a value of the
 * wrong type with a 200 whose message echoes the value (which may be an identifier). The refusal names
 * the variable, never its value.
 */
function checkVariableTypes(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): void {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
  const error = coerced.errors?.[0];
  if (!error) return;
  const node = error.nodes?.[0];
  const name = node?.kind === 'VariableDefinition' ? node.variable.name.value : undefined;
  throw codedError(
    ErrorCode.BAD_USER_INPUT,
    name ? `Variable "$${name}" is missing or not of its declared type.` : 'The variables are not valid.',
    { status: 400, extensions: name ? { variable: name } : {} },
  );
}
