// Measures an operation before it runs: depth, aliases, directives, fields and an estimated cost in
// which a list counts as many times as it may hold items (its size argument, from the literal or the
// variables; `citizens(ids:)` by the length of ids). Runs after validation, so fragments are acyclic;
// fragment results are memoized, so a fragment used many times is measured once.
import {
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  valueFromASTUntyped,
} from 'graphql';

export interface OperationMeasure {
  readonly depth: number;
  readonly aliases: number;
  readonly directives: number;
  readonly fields: number;
  readonly cost: number;
}

export interface MeasureOptions {
  /** Items assumed for a list field without a size argument. */
  readonly defaultListSize: number;
}

/** Arguments that bound a list's size: a count (first/last/limit) or a list of keys (ids/codes). */
const SIZE_ARGUMENTS = ['first', 'last', 'limit', 'ids', 'codes', 'serials'];

export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Readonly<Record<string, unknown>>,
  options: MeasureOptions,
): OperationMeasure {
  const memo = new Map<string, OperationMeasure>();
  const root = schema.getRootType(operation.operation);
  if (!root) return { depth: 0, aliases: 0, directives: 0, fields: 0, cost: 0 };

  const measureSet = (set: SelectionSetNode, parent: GraphQLCompositeType): OperationMeasure => {
    let depth = 0;
    let aliases = 0;
    let directives = 0;
    let fields = 0;
    let cost = 0;
    const add = (m: OperationMeasure, depthOffset: number, multiplier: number) => {
      depth = Math.max(depth, m.depth + depthOffset);
      aliases += m.aliases;
      directives += m.directives;
      fields += m.fields;
      cost += m.cost * multiplier;
    };
    for (const selection of set.selections) {
      directives += selection.directives?.length ?? 0;
      if (selection.kind === 'Field') {
        fields += 1;
        if (selection.alias) aliases += 1;
        const field = 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
        const multiplier = field ? listMultiplier(field, selection.arguments ?? [], variables, options) : 1;
        cost += multiplier;
        const type = field ? getNamedType(field.type) : undefined;
        if (selection.selectionSet && type && isCompositeType(type)) {
          add(measureSet(selection.selectionSet, type), 1, multiplier);
        } else depth = Math.max(depth, 1);
      } else if (selection.kind === 'InlineFragment') {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        add(measureSet(selection.selectionSet, type && isCompositeType(type) ? type : parent), 0, 1);
      } else {
        const name = selection.name.value;
        let m = memo.get(name);
        if (!m) {
          const fragment = fragments[name];
          const type = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
          m =
            fragment && type && isCompositeType(type)
              ? measureSet(fragment.selectionSet, type)
              : { depth: 0, aliases: 0, directives: 0, fields: 0, cost: 0 };
          memo.set(name, m);
        }
        add(m, 0, 1);
      }
    }
    return { depth, aliases, directives, fields, cost };
  };
  return measureSet(operation.selectionSet, root);
}

function listMultiplier(
  field: GraphQLField<unknown, unknown>,
  args: readonly { name: { value: string }; value: ValueNode }[],
  variables: Readonly<Record<string, unknown>>,
  options: MeasureOptions,
): number {
  // A size argument bounds a list or a connection (auditEvents(first:)); a list without one counts
  // as the default size.
  for (const arg of args) {
    if (!SIZE_ARGUMENTS.includes(arg.name.value)) continue;
    const value = valueFromASTUntyped(arg.value, variables);
    if (Array.isArray(value)) return Math.max(1, value.length);
    if (typeof value === 'number' && Number.isFinite(value)) return Math.max(1, value);
  }
  const type = isNonNullType(field.type) ? field.type.ofType : field.type;
  return isListType(type) ? options.defaultListSize : 1;
}
