// Audit subjects (DESIGN.md "Audit"): whose data a response carried. The key of every entity the
// operation reaches is added under a reserved alias, so subjects are known even when the client did
// not ask for the id; they are read back from the data and removed before it leaves.
import {
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  type SelectionNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { EntityKeys } from './entityKeys.ts';
import { isSatisfied, type ScopeRequirements } from './requirements.ts';
import { aliasedField, isReservedAlias, keyAlias, parseKeyAlias } from './reservedAliases.ts';

export { type EntityKeys, readEntityKeys } from './entityKeys.ts';

export interface InjectSubjectKeysOptions {
  readonly keys: EntityKeys;
  /**
   * With requirements, a key field the scopes in force do not cover is not added: the subgraph would
   * refuse it. Default: every key is added.
   */
  readonly scopes?: ReadonlySet<string>;
  readonly requirements?: ScopeRequirements;
}

/** Adds `__lt_key_<i>_<Type>: <keyField>` wherever an entity object is selected. */
export function injectSubjectKeys(
  document: DocumentNode,
  schema: GraphQLSchema,
  options: InjectSubjectKeysOptions,
): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  const keyFields = (typeName: string): FieldNode[] => {
    const type = schema.getType(typeName);
    const fields = options.keys.get(typeName);
    if (!fields || !isObjectType(type)) return [];
    const covered = (field: string) => {
      const requirement = options.requirements?.get(`${typeName}.${field}`);
      return !requirement || !options.scopes || isSatisfied(requirement, options.scopes);
    };
    // A composite key is all or nothing: half a key names no one.
    if (!fields.every((f) => type.getFields()[f] && covered(f))) return [];
    return fields.map((field, index) => aliasedField(keyAlias(typeName, index), field));
  };
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        leave(node) {
          const type = typeInfo.getType();
          if (!node.selectionSet || !type) return undefined;
          const named = getNamedType(type);
          let additions: SelectionNode[] = [];
          if (isObjectType(named)) additions = keyFields(named.name);
          else if (isAbstractType(named)) {
            for (const member of schema.getPossibleTypes(named)) {
              const fields = keyFields(member.name);
              if (fields.length === 0) continue;
              additions.push({
                kind: Kind.INLINE_FRAGMENT,
                typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: member.name } },
                selectionSet: { kind: Kind.SELECTION_SET, selections: fields },
              });
            }
          }
          if (additions.length === 0) return undefined;
          return {
            ...node,
            selectionSet: {
              ...node.selectionSet,
              selections: [...node.selectionSet.selections, ...additions],
            },
          };
        },
      },
    }),
  );
}

export interface CollectedSubjects {
  /** Deduplicated and sorted, e.g. "Citizen:001089012345", "Enterprise:0100109106". */
  readonly subjects: readonly string[];
  /** The data without the key aliases, ready for the client. */
  readonly data: Record<string, unknown> | null;
}

/** Reads the subjects from data produced by an operation with injected keys, and removes the keys. */
export function collectSubjects(data: Record<string, unknown> | null | undefined): CollectedSubjects {
  if (!data) return { subjects: [], data: data ?? null };
  const subjects = new Set<string>();
  const cleaned = collectAndStrip(data, subjects) as Record<string, unknown>;
  return { subjects: [...subjects].sort(), data: cleaned };
}

/**
 * One walk over the response (it can be ~100 KB): collects each object's subject from its key aliases
 * and copies it without them. Only keys with the reserved prefix are matched against the alias pattern.
 */
function collectAndStrip(value: unknown, subjects: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => collectAndStrip(item, subjects));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  let parts: Map<string, string[]> | undefined;
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (!isReservedAlias(key)) {
      copy[key] = collectAndStrip(child, subjects);
      continue;
    }
    const alias = parseKeyAlias(key);
    if (!alias) {
      copy[key] = collectAndStrip(child, subjects);
      continue;
    }
    if (typeof child !== 'string' && typeof child !== 'number') continue;
    parts ??= new Map();
    const list = parts.get(alias.typeName) ?? [];
    list[alias.index] = String(child);
    parts.set(alias.typeName, list);
  }
  if (parts) {
    for (const [typeName, values] of parts) {
      if (values.length > 0 && values.every((v) => v !== undefined))
        subjects.add(`${typeName}:${values.join(':')}`);
    }
  }
  return copy;
}

/** The coordinates an operation reads, sorted: the audit's "fields served". */
export function collectServedCoordinates(document: DocumentNode, schema: GraphQLSchema): string[] {
  const typeInfo = new TypeInfo(schema);
  const served = new Set<string>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const name = node.name.value;
        if (!parent || name.startsWith('__') || (node.alias && isReservedAlias(node.alias.value))) return;
        served.add(`${parent.name}.${name}`);
      },
    }),
  );
  return [...served].sort();
}
