// The scopes of the public contract (DESIGN.md "Scopes"). Client tokens, the procedure registry and
// the subgraphs' @requiresScopes all speak these names; anything else is not a scope of lienthong.

export const SCOPES = [
  'population:read',
  'population:sensitive',
  'business:read',
  'insurance:read',
  'land:read',
  'results:read',
  'results:issue',
  'audit:read',
  'cache:evict',
  'citizen:self',
  'schema:introspect',
] as const;
export type Scope = (typeof SCOPES)[number];

const KNOWN = new Set<string>(SCOPES);

export const isScope = (value: string): value is Scope => KNOWN.has(value);

/**
 * Scopes that read no citizen, enterprise, land or result data on behalf of a procedure, so they are
 * not bound to a purpose (DESIGN.md "Purpose"): they pass from the token to the scopes in force.
 */
export const PURPOSE_FREE_SCOPES: ReadonlySet<Scope> = new Set<Scope>([
  'audit:read',
  'citizen:self',
  'cache:evict',
  'schema:introspect',
]);
