// The supergraph's security features (@requiresScopes, @authenticated, @policy). lienthong enforces
// them itself: it reads every coordinate's requirement here, then hands @apollo/gateway the
// supergraph without them, because the bare gateway refuses a SECURITY feature it cannot enforce.
import {
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  Kind,
  parse,
  print,
  type StringValueNode,
  type TypeNode,
  type ValueNode,
  visit,
} from 'graphql';
import { allOf, normalize, type ScopeRequirement, type ScopeRequirements } from './requirements.ts';

export type { ScopeRequirement, ScopeRequirements } from './requirements.ts';

const SECURITY_FEATURES = ['requiresScopes', 'authenticated', 'policy'] as const;
type SecurityFeature = (typeof SECURITY_FEATURES)[number];
const FEATURE_URL = /^https:\/\/specs\.apollo\.dev\/(requiresScopes|authenticated|policy)\/v\d+\.\d+$/;

/** Directive name → feature, as the supergraph's @link imports name them (`as:` renames). */
type FeatureNames = ReadonlyMap<string, SecurityFeature>;

export function readScopeRequirements(supergraphSdl: string): ScopeRequirements {
  const document = parse(supergraphSdl);
  const names = featureNames(document);
  const typeLevel = new Map<string, ScopeRequirement>();
  const fields = new Map<string, { own: ScopeRequirement | undefined; returns: string }>();
  const implementations = new Map<string, string[]>();

  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const typeName = definition.name.value;
    const own = requirementOf(definition.directives, names);
    if (own) typeLevel.set(typeName, own);
    if (
      definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      definition.kind === Kind.OBJECT_TYPE_EXTENSION ||
      definition.kind === Kind.INTERFACE_TYPE_EXTENSION
    ) {
      for (const iface of definition.interfaces ?? []) {
        implementations.set(iface.name.value, [...(implementations.get(iface.name.value) ?? []), typeName]);
      }
      for (const field of definition.fields ?? []) {
        fields.set(`${typeName}.${field.name.value}`, {
          own: requirementOf(field.directives, names),
          returns: namedType(field.type),
        });
      }
    }
  }

  // A field needs its own requirement, its type's, and the requirement of the type it returns.
  const direct = new Map<string, ScopeRequirement>();
  for (const [coordinate, field] of fields) {
    const parent = coordinate.slice(0, coordinate.indexOf('.'));
    const parts = [field.own, typeLevel.get(parent), typeLevel.get(field.returns)].filter(
      (r) => r !== undefined,
    );
    if (parts.length > 0) direct.set(coordinate, parts.reduce(allOf));
  }
  // Reached through an interface, a field may resolve on any implementation, so the interface field
  // needs what every implementation's field needs (composition does this too; it is repeated here so
  // that a hand-written or older supergraph cannot open a way around a concrete type's scopes).
  const result = new Map(direct);
  for (const [iface, objects] of implementations) {
    for (const coordinate of fields.keys()) {
      if (!coordinate.startsWith(`${iface}.`)) continue;
      const fieldName = coordinate.slice(iface.length + 1);
      const parts = [direct.get(coordinate), ...objects.map((o) => direct.get(`${o}.${fieldName}`))];
      const present = parts.filter((r) => r !== undefined);
      if (present.length > 0) result.set(coordinate, present.reduce(allOf));
    }
  }
  return result;
}

export function stripSecurityFeatures(supergraphSdl: string): string {
  const document = parse(supergraphSdl);
  const names = featureNames(document);
  const prefixes = [...names.keys()].map((name) => `${name}__`);
  const stripped = visit(document, {
    Directive(node) {
      if (names.has(node.name.value)) return null;
      if (node.name.value === 'link' && isSecurityLink(node)) return null;
      return undefined;
    },
    DirectiveDefinition(node) {
      return names.has(node.name.value) ? null : undefined;
    },
  });
  // The features' own types, e.g. requiresScopes__Scope and policy__Policy.
  const definitions = stripped.definitions.filter((d) => !prefixes.some((p) => typeNameOf(d)?.startsWith(p)));
  return print({ ...stripped, definitions });
}

function typeNameOf(definition: DefinitionNode): string | undefined {
  switch (definition.kind) {
    case Kind.SCALAR_TYPE_DEFINITION:
    case Kind.OBJECT_TYPE_DEFINITION:
    case Kind.INTERFACE_TYPE_DEFINITION:
    case Kind.UNION_TYPE_DEFINITION:
    case Kind.ENUM_TYPE_DEFINITION:
    case Kind.INPUT_OBJECT_TYPE_DEFINITION:
      return definition.name.value;
    default:
      return undefined;
  }
}

function featureNames(document: DocumentNode): FeatureNames {
  const names = new Map<string, SecurityFeature>(SECURITY_FEATURES.map((f) => [f, f]));
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const feature = FEATURE_URL.exec(stringArgument(directive, 'url') ?? '')?.[1] as
        | SecurityFeature
        | undefined;
      const alias = stringArgument(directive, 'as');
      if (feature && alias) names.set(alias, feature);
    }
  }
  return names;
}

function isSecurityLink(directive: DirectiveNode): boolean {
  return FEATURE_URL.test(stringArgument(directive, 'url') ?? '');
}

function stringArgument(directive: DirectiveNode, name: string): string | undefined {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

/**
 * The requirement the directives state, or undefined without any. @authenticated is met by every
 * caller (the gateway has already verified the token). @policy needs a policy engine lienthong does
 * not have, so its policies become names no token can hold ("@policy name"): the field is always denied.
 */
function requirementOf(
  directives: readonly DirectiveNode[] | undefined,
  names: FeatureNames,
): ScopeRequirement | undefined {
  let requirement: ScopeRequirement | undefined;
  for (const directive of directives ?? []) {
    const feature = names.get(directive.name.value);
    if (!feature) continue;
    let own: ScopeRequirement;
    if (feature === 'authenticated') own = [[]];
    else {
      const argument = feature === 'requiresScopes' ? 'scopes' : 'policies';
      const sets = listOfLists(directive.arguments?.find((a) => a.name.value === argument)?.value);
      // A space never occurs in a scope (the claim is space-separated), so no token can hold these.
      own = feature === 'policy' ? sets.map((set) => set.map((p) => `@policy ${p}`)) : sets;
    }
    requirement = normalize(requirement ? allOf(requirement, own) : own);
  }
  return requirement;
}

/** [["a", "b"], ["c"]] as lists; anything malformed becomes [] (met by no one), never a looser rule. */
function listOfLists(value: ValueNode | undefined): string[][] {
  if (value?.kind !== Kind.LIST) return [];
  const sets: string[][] = [];
  for (const inner of value.values) {
    if (inner.kind !== Kind.LIST || inner.values.some((v) => v.kind !== Kind.STRING)) return [];
    sets.push(inner.values.map((v) => (v as StringValueNode).value));
  }
  return sets;
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}
