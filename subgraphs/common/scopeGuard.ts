// Defence in depth: each subgraph enforces its own SDL's @requiresScopes against the caller's scopes,
// so a request that bypasses the gateway's check (a bug there, or a crafted `_entities` query) still
// gets FORBIDDEN at the field, and the field's resolver — the only thing that calls upstream — never runs.
import { defaultFieldResolver, type GraphQLSchema, isObjectType, Kind, parse, type ValueNode } from 'graphql';
import { forbidden } from '../../lib/errors.ts';

/** Any one inner list satisfies it; an inner list needs all its scopes (Federation's semantics). */
export type ScopeRequirement = readonly (readonly string[])[];

/** `Type.field` (or `Type` for a type-level requirement) → requirement, read from SDL. */
export type ScopeRequirements = ReadonlyMap<string, ScopeRequirement>;

export function readScopeRequirements(sdl: string): ScopeRequirements {
  const requirements = new Map<string, ScopeRequirement>();
  for (const def of parse(sdl).definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeRequirement = requirementOf(def.directives);
    if (typeRequirement) requirements.set(def.name.value, typeRequirement);
    for (const field of def.fields ?? []) {
      const fieldRequirement = requirementOf(field.directives);
      if (fieldRequirement) requirements.set(`${def.name.value}.${field.name.value}`, fieldRequirement);
    }
  }
  return requirements;
}

type Directives = readonly {
  name: { value: string };
  arguments?: readonly { name: { value: string }; value: ValueNode }[];
}[];

function requirementOf(directives: Directives | undefined): ScopeRequirement | undefined {
  const directive = directives?.find((d) => d.name.value === 'requiresScopes');
  if (!directive) return undefined;
  const value = directive.arguments?.find((a) => a.name.value === 'scopes')?.value;
  const outer = value?.kind === Kind.LIST ? value.values : value ? [value] : [];
  return outer.map((inner) => {
    const items = inner.kind === Kind.LIST ? inner.values : [inner];
    return items.map((item) => (item.kind === Kind.STRING ? item.value : ''));
  });
}

/** The scopes still needed (the smallest missing set), or undefined when the requirement is met. */
export function missingScopes(
  requirement: ScopeRequirement,
  scopes: ReadonlySet<string>,
): readonly string[] | undefined {
  let smallest: string[] | undefined;
  for (const all of requirement) {
    const missing = all.filter((scope) => !scopes.has(scope));
    if (missing.length === 0) return undefined;
    if (!smallest || missing.length < smallest.length) smallest = missing;
  }
  return smallest ?? [];
}

export function hasScopes(scopes: ReadonlySet<string>, ...needed: string[]): boolean {
  return needed.every((scope) => scopes.has(scope));
}

/**
 * Wraps the resolver of every field that carries a requirement (its own, its type's, or both) with the
 * check. Mutates the schema; call once, right after building it.
 */
export function guardSchemaScopes(
  schema: GraphQLSchema,
  requirements: ScopeRequirements,
  scopesOf: (context: unknown) => ReadonlySet<string>,
): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeRequirement = requirements.get(type.name);
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const needs = [typeRequirement, requirements.get(coordinate)].filter((r) => r !== undefined);
      if (needs.length === 0) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        const scopes = scopesOf(context);
        for (const requirement of needs) {
          const missing = missingScopes(requirement, scopes);
          if (missing)
            throw forbidden(`Field "${coordinate}" requires scope ${missing.join(' and ')}.`, missing);
        }
        return resolve(source, args, context, info);
      };
    }
  }
}
