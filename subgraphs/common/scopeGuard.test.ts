import { describe, expect, it } from 'vitest';
import { loadSubgraphSdl } from '../../schema/composeSupergraph.ts';
import { missingScopes, readScopeRequirements } from './scopeGuard.ts';

describe('readScopeRequirements', () => {
  it("reads the population SDL's field requirements", () => {
    const requirements = readScopeRequirements(loadSubgraphSdl('population'));
    expect(requirements.get('Query.citizen')).toEqual([['population:read']]);
    expect(requirements.get('Citizen.ethnicity')).toEqual([['population:sensitive']]);
    expect(requirements.has('Address.provinceCode')).toBe(false);
  });

  it('reads type-level requirements and alternatives', () => {
    const requirements = readScopeRequirements(`
      type Secret @requiresScopes(scopes: [["a:read"]]) { x: String @requiresScopes(scopes: [["b", "c"], ["d"]]) }
    `);
    expect(requirements.get('Secret')).toEqual([['a:read']]);
    expect(requirements.get('Secret.x')).toEqual([['b', 'c'], ['d']]);
  });
});

describe('missingScopes', () => {
  const requirement = [['b', 'c'], ['d']];
  it('is satisfied by any one alternative with all of its scopes', () => {
    expect(missingScopes(requirement, new Set(['b', 'c']))).toBeUndefined();
    expect(missingScopes(requirement, new Set(['d']))).toBeUndefined();
  });
  it('names the smallest set still missing', () => {
    expect(missingScopes(requirement, new Set(['b']))).toEqual(['c']);
    expect(missingScopes(requirement, new Set())).toEqual(['d']);
  });
});
