// The entities an operation names at its root (DESIGN.md "Purpose"): `citizen(id:)`, each id of
// `citizens(ids:)`, `enterprise(code:)`, `landCertificate(serial:)`, `issuedResult(code:)`. Purpose
// verification checks each against the dossier's subjects before anything is fetched, so this reads
// the operation as the executor will: by response key, through fragments, honouring @skip/@include,
// with ids from literals or variables (defaults included) coerced as GraphQL coerces them. Pure: no
// schema, no I/O.
import {
  type ArgumentNode,
  type DirectiveNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  valueFromASTUntyped,
} from 'graphql';

export type EntityType = 'Citizen' | 'Enterprise' | 'LandCertificate' | 'IssuedResult';

/** Root fields of Query that name an entity, and the argument that names it. */
const ENTITY_FIELDS: Readonly<Record<string, { type: EntityType; argument: string; list: boolean }>> = {
  citizen: { type: 'Citizen', argument: 'id', list: false },
  citizens: { type: 'Citizen', argument: 'ids', list: true },
  enterprise: { type: 'Enterprise', argument: 'code', list: false },
  landCertificate: { type: 'LandCertificate', argument: 'serial', list: false },
  issuedResult: { type: 'IssuedResult', argument: 'code', list: false },
};

export interface RootEntity {
  readonly type: EntityType;
  /** The ids named, in order, without repeats. */
  readonly ids: readonly string[];
  /**
   * false when an id could not be read (a missing variable, null, an object): the operation will
   * fail coercion, but a caller deciding access must refuse rather than treat it as naming no one.
   */
  readonly resolved: boolean;
}

export interface RootField {
  /** The alias, or the field name. */
  readonly responseKey: string;
  readonly fieldName: string;
  /** What the field names; absent for root fields that name no entity (auditEvents, __typename, …). */
  readonly entity?: RootEntity;
}

/** "Citizen:<id>", "Enterprise:<code>", … — the typed subjects of audit records and dossiers. */
export const subjectOf = (type: EntityType, id: string): string => `${type}:${id}`;

/**
 * Each root field the operation will execute, once per response key, in first-seen order. Fields
 * sharing a response key merge (validation has made their arguments equal), so their ids are unioned.
 */
export function rootEntities(
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Readonly<Record<string, unknown>> | undefined,
): RootField[] {
  const values = withDefaults(operation, variables ?? {});
  const byKey = new Map<
    string,
    { fieldName: string; entity?: { type: EntityType; ids: string[]; resolved: boolean } }
  >();
  const visit = (selectionSet: SelectionSetNode, spreading: ReadonlySet<string>) => {
    for (const selection of selectionSet.selections) {
      if (!included(selection.directives, values)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, spreading);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments[name];
        // A cycle or an unknown fragment fails validation; here it must only not loop.
        if (fragment && !spreading.has(name)) visit(fragment.selectionSet, new Set([...spreading, name]));
      } else {
        const fieldName = selection.name.value;
        const responseKey = selection.alias?.value ?? fieldName;
        const spec = operation.operation === 'query' ? ENTITY_FIELDS[fieldName] : undefined;
        let entry = byKey.get(responseKey);
        if (!entry) {
          entry = { fieldName, ...(spec ? { entity: { type: spec.type, ids: [], resolved: true } } : {}) };
          byKey.set(responseKey, entry);
        }
        if (!spec || !entry.entity) continue;
        const read = readIds(selection.arguments, spec.argument, spec.list, values);
        for (const id of read.ids) if (!entry.entity.ids.includes(id)) entry.entity.ids.push(id);
        if (!read.resolved) entry.entity.resolved = false;
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return [...byKey].map(([responseKey, { fieldName, entity }]) =>
    entity ? { responseKey, fieldName, entity } : { responseKey, fieldName },
  );
}

/**
 * The subjects a root field names that are not among `allowed` (a dossier's subjects), as typed
 * subjects. A field whose ids could not all be read is refused whole: `all` is true.
 */
export function subjectsOutside(
  field: RootField,
  allowed: ReadonlySet<string>,
): { readonly all: boolean; readonly subjects: readonly string[] } {
  if (!field.entity) return { all: false, subjects: [] };
  const { type, ids, resolved } = field.entity;
  const subjects = ids.map((id) => subjectOf(type, id)).filter((subject) => !allowed.has(subject));
  return { all: !resolved, subjects };
}

/** The request's variables, with each definition's default where the request left it out. */
function withDefaults(
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const values: Record<string, unknown> = { ...variables };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (!(name in values) && definition.defaultValue)
      values[name] = valueFromASTUntyped(definition.defaultValue);
  }
  return values;
}

/**
 * @skip(if:) and @include(if:) as the executor applies them. A condition that is not a boolean fails
 * coercion before execution; counting the field in keeps a check of its subjects on the safe side.
 */
function included(
  directives: readonly DirectiveNode[] | undefined,
  values: Readonly<Record<string, unknown>>,
) {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const condition = directive.arguments?.find((a) => a.name.value === 'if')?.value;
    const value = condition ? valueFromASTUntyped(condition, values) : undefined;
    if (name === 'skip' && value === true) return false;
    if (name === 'include' && value === false) return false;
  }
  return true;
}

function readIds(
  args: readonly ArgumentNode[] | undefined,
  argument: string,
  list: boolean,
  values: Readonly<Record<string, unknown>>,
): { ids: string[]; resolved: boolean } {
  const node = args?.find((a) => a.name.value === argument)?.value;
  if (!node) return { ids: [], resolved: false };
  const raw = rawValue(node, values);
  // Input coercion turns a single value given for a list argument into a list of one.
  const items = list && Array.isArray(raw) ? raw : [raw];
  const ids: string[] = [];
  let resolved = list || !Array.isArray(raw);
  for (const item of items) {
    const id = coerceId(item);
    if (id === undefined) resolved = false;
    else ids.push(id);
  }
  return { ids, resolved };
}

/** A literal, a variable, or a list mixing both, as plain JSON values (undefined for a missing variable). */
function rawValue(node: ValueNode, values: Readonly<Record<string, unknown>>): unknown {
  if (node.kind === Kind.VARIABLE) return values[node.name.value];
  if (node.kind === Kind.LIST) return node.values.map((item) => rawValue(item, values));
  if (node.kind === Kind.INT) return node.value; // keeps every digit of a long literal
  return valueFromASTUntyped(node, values);
}

/** ID (and String) coercion: a string, or an integer written as digits. */
function coerceId(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}
