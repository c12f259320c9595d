// Field-level authorization by rewriting: the operation is walked once, as execution will see it
// (fragments inlined per use site, @skip/@include evaluated), and every field the scopes in force do
// not cover is removed, so no subgraph is ever asked for it. The denials say where the response must
// carry null and a FORBIDDEN error instead (see applyDenials).
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type NamedTypeNode,
  type OperationDefinitionNode,
  SchemaMetaFieldDef,
  type SelectionNode,
  type SelectionSetNode,
  TypeMetaFieldDef,
  visit,
} from 'graphql';
import { queryTooComplex } from '../../../lib/errors.ts';
import { type CoercedVariables, coerceVariables, inclusionOf, withoutConditions } from './conditions.ts';
import { operationParts } from './operationParts.ts';
import { isSatisfied, missingScopes, type ScopeRequirements } from './requirements.ts';
import { assertNoReservedAliases, TYPENAME_ALIAS, typenameField } from './reservedAliases.ts';

export { applyDenials } from './applyDenials.ts';

export interface DeniedField {
  /** Response keys from the root, e.g. ['citizens', 'religion']; list indices come only at execution. */
  readonly responsePath: readonly string[];
  /** The denied field's schema coordinate, e.g. 'Citizen.religion'. */
  readonly coordinate: string;
  /** The scopes that would have allowed it (the cheapest alternative); empty when scopes were not the reason. */
  readonly missingScopes: readonly string[];
  /** Why, besides missing scopes: FIELD_NOT_NEEDED when the procedure's fields leave it out. */
  readonly reason?: 'FIELD_NOT_NEEDED';
  /** The coordinate of each step of responsePath, for null propagation. */
  readonly fieldPath: readonly string[];
  /**
   * For each step, the object types the selection applies to (its enclosing type conditions): below
   * an abstract type, a denial concerns only objects of these types.
   */
  readonly objectTypes: readonly (readonly string[])[];
}

export interface AuthorizeOperationInput {
  /** The API schema the document was validated against. */
  readonly schema: GraphQLSchema;
  /** An already validated document. */
  readonly document: DocumentNode;
  readonly operationName?: string | null | undefined;
  readonly variables?: Readonly<Record<string, unknown>> | undefined;
  readonly scopes: ReadonlySet<string>;
  readonly requirements: ScopeRequirements;
  /** Data minimization: whether the purpose's procedure needs a coordinate; default every field. */
  readonly fieldNeeded?: (coordinate: string) => boolean;
  /** Most selections the inlined operation may hold; default 20 000 (fragments can multiply). */
  readonly maxSelections?: number;
}

export interface AuthorizedOperation {
  /** The operation alone, fragments inlined, without the denied fields. */
  readonly document: DocumentNode;
  readonly denied: readonly DeniedField[];
  /** Coordinates of the fields left to execute, sorted. */
  readonly servedCoordinates: readonly string[];
  /** Nothing the client asked for is left: no subgraph needs to be called. */
  readonly empty: boolean;
}

interface Walk {
  readonly schema: GraphQLSchema;
  readonly requirements: ScopeRequirements;
  readonly scopes: ReadonlySet<string>;
  readonly fieldNeeded: ((coordinate: string) => boolean) | undefined;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: CoercedVariables | undefined;
  readonly denied: Map<string, DeniedField>;
  readonly served: Set<string>;
  readonly spreading: string[];
  budget: number;
}

interface Step {
  readonly key: string;
  readonly coordinate: string;
  readonly objectTypes: readonly string[];
}

export function authorizeOperation(input: AuthorizeOperationInput): AuthorizedOperation {
  assertNoReservedAliases(input.document);
  const { operation, fragments } = operationParts(input.document, input.operationName);
  const rootType = input.schema.getRootType(operation.operation);
  if (!rootType) throw new Error(`the schema has no ${operation.operation} type`);
  const walk: Walk = {
    schema: input.schema,
    requirements: input.requirements,
    scopes: input.scopes,
    fieldNeeded: input.fieldNeeded,
    fragments,
    variables: coerceVariables(input.schema, operation, input.variables),
    denied: new Map(),
    served: new Set(),
    spreading: [],
    budget: input.maxSelections ?? 20_000,
  };
  const root = walkSelectionSet(operation.selectionSet, rootType, [], walk, [rootType.name]);
  const empty = root.selections.length === 0;
  const selectionSet: SelectionSetNode = {
    kind: Kind.SELECTION_SET,
    selections: empty ? [typenameField()] : root.selections,
  };
  const rewritten: OperationDefinitionNode = { ...operation, selectionSet };
  return {
    document: { kind: Kind.DOCUMENT, definitions: [withUsedVariablesOnly(rewritten)] },
    denied: [...walk.denied.values()],
    servedCoordinates: [...walk.served].sort(),
    empty,
  };
}

interface Walked {
  readonly selections: SelectionNode[];
  /** A field somewhere below was denied. */
  readonly denials: boolean;
}

function walkSelectionSet(
  set: SelectionSetNode,
  parentType: GraphQLCompositeType,
  path: readonly Step[],
  walk: Walk,
  objectTypes: readonly string[],
): Walked {
  const selections: SelectionNode[] = [];
  let denials = false;
  for (const selection of set.selections) {
    if (--walk.budget < 0) {
      throw queryTooComplex(
        'selections',
        'The operation selects too many fields once its fragments are expanded.',
      );
    }
    const inclusion = inclusionOf(selection, walk.variables);
    if (inclusion === 'excluded') continue;
    const directives =
      inclusion === 'included' ? withoutConditions(selection.directives) : selection.directives;
    if (selection.kind === Kind.FIELD) {
      const field = walkField({ ...selection, directives }, parentType, path, walk, objectTypes);
      denials ||= field.denied;
      if (field.node) selections.push(field.node);
      continue;
    }
    let typeCondition: NamedTypeNode | undefined;
    let body: SelectionSetNode;
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      typeCondition = selection.typeCondition;
      body = selection.selectionSet;
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      if (!fragment || walk.spreading.includes(name))
        throw new Error(`fragment ${name} is unknown or cyclic`);
      walk.spreading.push(name);
      typeCondition = fragment.typeCondition;
      body = fragment.selectionSet;
    }
    const narrowed = typeCondition ? walk.schema.getType(typeCondition.name.value) : parentType;
    if (!narrowed || !isCompositeType(narrowed)) throw new Error('fragment on an unknown type');
    const applies = objectTypesOf(walk.schema, narrowed);
    const inner = walkSelectionSet(
      body,
      narrowed,
      path,
      walk,
      objectTypes.filter((t) => applies.includes(t)),
    );
    if (selection.kind === Kind.FRAGMENT_SPREAD) walk.spreading.pop();
    denials ||= inner.denials;
    if (inner.selections.length === 0) continue;
    selections.push({
      kind: Kind.INLINE_FRAGMENT,
      ...(typeCondition ? { typeCondition } : {}),
      ...(directives?.length ? { directives } : {}),
      selectionSet: { kind: Kind.SELECTION_SET, selections: inner.selections },
    });
  }
  return { selections, denials };
}

function walkField(
  node: FieldNode,
  parentType: GraphQLCompositeType,
  path: readonly Step[],
  walk: Walk,
  objectTypes: readonly string[],
): { node: FieldNode | undefined; denied: boolean } {
  const name = node.name.value;
  if (name === '__typename') return { node, denied: false };
  const definition = fieldDefinition(walk.schema, parentType, name);
  if (!definition) throw new Error(`unknown field ${parentType.name}.${name}`);
  const coordinate = `${parentType.name}.${name}`;
  const key = node.alias?.value ?? name;
  const requirement = walk.requirements.get(coordinate);
  const scopeDenied = requirement !== undefined && !isSatisfied(requirement, walk.scopes);
  if (scopeDenied || (walk.fieldNeeded && !walk.fieldNeeded(coordinate))) {
    const responsePath = [...path.map((s) => s.key), key];
    const id = `${responsePath.join('\u0000')}\u0001${coordinate}`;
    if (!walk.denied.has(id)) {
      walk.denied.set(id, {
        responsePath,
        coordinate,
        missingScopes: scopeDenied ? missingScopes(requirement, walk.scopes) : [],
        ...(scopeDenied ? {} : { reason: 'FIELD_NOT_NEEDED' as const }),
        fieldPath: [...path.map((s) => s.coordinate), coordinate],
        objectTypes: [...path.map((s) => s.objectTypes), objectTypes],
      });
    }
    return { node: undefined, denied: true };
  }
  if (!name.startsWith('__')) walk.served.add(coordinate);
  if (!node.selectionSet) return { node, denied: false };
  const type = getNamedType(definition.type) as GraphQLCompositeType;
  const step = { key, coordinate, objectTypes };
  const inner = walkSelectionSet(
    node.selectionSet,
    type,
    [...path, step],
    walk,
    objectTypesOf(walk.schema, type),
  );
  const selections = inner.selections;
  // An empty selection set is invalid; and below an abstract type, applyDenials needs the runtime
  // type to tell which objects a denial applies to.
  const needsTypename = selections.length === 0 || (inner.denials && isAbstractType(type));
  if (needsTypename && !selections.some((s) => s.kind === Kind.FIELD && s.alias?.value === TYPENAME_ALIAS)) {
    selections.push(typenameField());
  }
  return { node: { ...node, selectionSet: { kind: Kind.SELECTION_SET, selections } }, denied: inner.denials };
}

function fieldDefinition(
  schema: GraphQLSchema,
  parentType: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (parentType === schema.getQueryType()) {
    if (name === '__schema') return SchemaMetaFieldDef;
    if (name === '__type') return TypeMetaFieldDef;
  }
  return isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name] : undefined;
}

/** The object types a value of `type` can have, sorted. */
function objectTypesOf(schema: GraphQLSchema, type: GraphQLCompositeType): string[] {
  if (isAbstractType(type))
    return schema
      .getPossibleTypes(type)
      .map((t) => t.name)
      .sort();
  return [type.name];
}

/** Drops variable definitions the rewrite no longer uses (an unused variable fails validation). */
function withUsedVariablesOnly(operation: OperationDefinitionNode): OperationDefinitionNode {
  const used = new Set<string>();
  visit(
    { ...operation, variableDefinitions: [] },
    {
      Variable(node) {
        used.add(node.name.value);
      },
    },
  );
  const variableDefinitions = operation.variableDefinitions?.filter((d) => used.has(d.variable.name.value));
  return { ...operation, variableDefinitions };
}
