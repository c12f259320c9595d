import { readFile } from 'node:fs/promises';
import { ApolloGateway } from '@apollo/gateway';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeTestSupergraph } from '../../../tests/support/testSupergraph.ts';
import { readScopeRequirements, stripSecurityFeatures } from './supergraphSecurity.ts';

let supergraph: string;
beforeAll(() => {
  supergraph = composeTestSupergraph();
});

async function loads(supergraphSdl: string): Promise<void> {
  const gateway = new ApolloGateway({ supergraphSdl });
  try {
    await gateway.load();
  } finally {
    await gateway.stop();
  }
}

describe('readScopeRequirements', () => {
  it('reads field-level requirements, OR and AND alike', () => {
    const requirements = readScopeRequirements(supergraph);
    expect(requirements.get('Query.citizen')).toEqual([['population:read']]);
    expect(requirements.get('Citizen.religion')).toEqual([['population:sensitive']]);
    expect(requirements.get('Citizen.accessNote')).toEqual([['audit:read'], ['citizen:self']]);
    expect(requirements.get('Citizen.taxDebt')).toEqual([['business:read', 'insurance:read']]);
    expect(requirements.get('Mutation.evictEnterprise')).toEqual([['cache:evict']]);
  });

  it('applies a type-level requirement to the type’s fields and to fields returning it', () => {
    const requirements = readScopeRequirements(supergraph);
    expect(requirements.get('Enterprise.name')).toEqual([['business:read']]);
    expect(requirements.get('Query.enterprise')).toEqual([['business:read']]);
    expect(requirements.get('Citizen.enterprises')).toEqual([['business:read']]);
    // Field-level and return-type requirements are both needed.
    expect(requirements.get('Enterprise.legalRepresentative')).toEqual([['business:read']]);
  });

  it('makes an interface field need what each implementation needs', () => {
    const requirements = readScopeRequirements(supergraph);
    expect(requirements.get('Residence.address')).toEqual([['land:read']]);
    expect(requirements.has('PermanentResidence.address')).toBe(false);
    expect(requirements.has('Residence.since')).toBe(false);
  });

  it('treats @authenticated as met by any caller and @policy as met by none', () => {
    const requirements = readScopeRequirements(supergraph);
    expect(requirements.get('Citizen.nickname')).toEqual([[]]);
    expect(requirements.get('Citizen.internalNote')).toEqual([['@policy internal']]);
  });

  it('follows a renamed directive', () => {
    const renamed = supergraph
      .replace(
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1"',
        '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", as: "scopes"',
      )
      .replaceAll('@requiresScopes(', '@scopes(');
    expect(readScopeRequirements(renamed).get('Citizen.religion')).toEqual([['population:sensitive']]);
  });

  it('fails closed on a malformed scope list', () => {
    const malformed = supergraph.replace(
      'religion: String @join__field(graph: POPULATION) @requiresScopes(scopes: [["population:sensitive"]])',
      'religion: String @join__field(graph: POPULATION) @requiresScopes(scopes: "population:sensitive")',
    );
    expect(malformed).not.toBe(supergraph);
    expect(readScopeRequirements(malformed).get('Citizen.religion')).toEqual([]);
  });
});

describe('stripSecurityFeatures', () => {
  it('is needed: a bare gateway refuses the supergraph with its security features', async () => {
    await expect(loads(supergraph)).rejects.toThrow(/is for: SECURITY but is unsupported/);
  });

  it('gives a supergraph a bare gateway loads, with no trace of the features', async () => {
    const stripped = stripSecurityFeatures(supergraph);
    await loads(stripped);
    expect(stripped).not.toMatch(/requiresScopes|@authenticated|@policy|policy__/);
  });

  it('keeps every coordinate’s requirement readable from the original', () => {
    const before = readScopeRequirements(supergraph);
    expect(before.size).toBeGreaterThan(15);
    expect(readScopeRequirements(stripSecurityFeatures(supergraph)).size).toBe(0);
  });

  it('handles the committed supergraph of schema/', async () => {
    const committed = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');
    const requirements = readScopeRequirements(committed);
    expect(requirements.get('Citizen.religion')).toEqual([['population:sensitive']]);
    await loads(stripSecurityFeatures(committed));
  });
});
