// lienthong is the enforcement point of the supergraph's scopes (it strips them before @apollo/gateway
// sees them), so a supergraph without them would be served wide open: every root field reachable by
// any valid token. Before serving, every root field must declare who may call it; a supergraph
// composed without the security features, or a new root field someone forgot to scope, stops the start.
import { Kind, parse } from 'graphql';
import { ConfigError } from '../../../lib/errors.ts';
import type { ScopeRequirements } from './requirements.ts';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** Root fields of the supergraph with no @requiresScopes/@authenticated/@policy requirement. */
export function unguardedRootFields(supergraphSdl: string, requirements: ScopeRequirements): string[] {
  const unguarded: string[] = [];
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION)
      continue;
    if (!ROOT_TYPES.has(definition.name.value)) continue;
    for (const field of definition.fields ?? []) {
      const coordinate = `${definition.name.value}.${field.name.value}`;
      if (!requirements.has(coordinate)) unguarded.push(coordinate);
    }
  }
  return unguarded;
}

/** Throws a ConfigError naming `source` unless every root field is guarded. */
export function assertEnforceable(
  supergraphSdl: string,
  requirements: ScopeRequirements,
  source: string,
): void {
  const unguarded = unguardedRootFields(supergraphSdl, requirements);
  if (unguarded.length === 0) return;
  throw new ConfigError([
    `SUPERGRAPH_FILE: expected every root field to declare @requiresScopes (lienthong enforces them), got none on ${unguarded.join(', ')} in ${source}`,
  ]);
}
