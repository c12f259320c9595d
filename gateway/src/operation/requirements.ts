// Scope requirements as the supergraph states them: an OR of AND-sets, as in Federation's
// @requiresScopes(scopes: [["a", "b"], ["c"]]) — (a AND b) OR c.

/** OR of AND-sets of scopes. `[[]]` is met by any caller; `[]` by none. */
export type ScopeRequirement = readonly (readonly string[])[];

/** Requirement per schema coordinate ("Citizen.religion"); a coordinate absent here needs no scope. */
export type ScopeRequirements = ReadonlyMap<string, ScopeRequirement>;

/** Both requirements must be met: every pair of alternatives joined. */
export function allOf(a: ScopeRequirement, b: ScopeRequirement): ScopeRequirement {
  const joined: string[][] = [];
  for (const left of a) for (const right of b) joined.push([...left, ...right]);
  return normalize(joined);
}

/** Sorted, deduplicated, and without alternatives that a smaller one already satisfies. */
export function normalize(requirement: ScopeRequirement): ScopeRequirement {
  const sets = requirement.map((set) => [...new Set(set)].sort());
  const minimal = sets.filter(
    (set, i) =>
      !sets.some((other, j) => j !== i && isSubset(other, set) && (other.length < set.length || j < i)),
  );
  return minimal.sort((x, y) => x.length - y.length || x.join(' ').localeCompare(y.join(' ')));
}

export function isSatisfied(requirement: ScopeRequirement, scopes: ReadonlySet<string>): boolean {
  return requirement.some((set) => set.every((scope) => scopes.has(scope)));
}

/** The scopes to add for the cheapest alternative; [] when the requirement is met. */
export function missingScopes(requirement: ScopeRequirement, scopes: ReadonlySet<string>): string[] {
  let best: string[] | undefined;
  for (const set of requirement) {
    const missing = set.filter((scope) => !scopes.has(scope));
    if (best === undefined || missing.length < best.length) best = missing;
  }
  return best ?? [];
}

function isSubset(small: readonly string[], big: readonly string[]): boolean {
  return small.every((s) => big.includes(s));
}
