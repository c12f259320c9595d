// Each subgraph enforces its own SDL's @requiresScopes, whatever the gateway did: a field outside the
// caller's scopes is FORBIDDEN at its path and its database is never asked, including through _entities.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCitizenIds } from '../../mocks/data/samples.ts';
import { errorCodes } from '../support/internalTokens.ts';
import { type SourceStack, startSourceStack } from './subgraphStack.ts';

const IDS = sampleCitizenIds(5, 'scopes');
const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { __typename SELECTION } }';
const entities = (selection: string) => ENTITIES.replace('SELECTION', selection);
const citizenReps = IDS.map((id) => ({ __typename: 'Citizen', id }));

describe('scopes enforced in the subgraphs', () => {
  const stacks: Partial<Record<string, SourceStack>> = {};
  beforeAll(async () => {
    for (const source of ['population', 'business', 'insurance', 'land', 'results'] as const) {
      stacks[source] = await startSourceStack(source);
    }
  });
  afterAll(async () => {
    for (const stack of Object.values(stacks)) await stack?.[Symbol.asyncDispose]();
  });

  it('population:read reads a citizen, but ethnicity and religion need population:sensitive', async () => {
    const answer = await stacks['population']!.query(
      ['population:read'],
      `{ citizen(id: "${IDS[0]}") { fullName ethnicity religion } }`,
    );
    expect(answer.body.data?.['citizen']).toEqual({
      fullName: expect.any(String),
      ethnicity: null,
      religion: null,
    });
    expect(errorCodes(answer)).toEqual({ 'citizen.ethnicity': 'FORBIDDEN', 'citizen.religion': 'FORBIDDEN' });
    const sensitive = await stacks['population']!.query(
      ['population:read', 'population:sensitive'],
      `{ citizen(id: "${IDS[0]}") { ethnicity } }`,
    );
    expect(sensitive.body.errors).toBeUndefined();
  });

  it('attack: a root query without the scope is FORBIDDEN and costs no upstream request', async () => {
    const stack = stacks['population']!;
    stack.mock.resetStats();
    const answer = await stack.query(['business:read'], `{ citizen(id: "${IDS[0]}") { fullName } }`);
    expect(answer.body.data).toEqual({ citizen: null });
    expect(errorCodes(answer)).toEqual({ citizen: 'FORBIDDEN' });
    expect(answer.body.errors?.[0]?.extensions?.['missingScopes']).toEqual(['population:read']);
    expect(stack.upstreamRequests()).toBe(0);
  });

  it.each([
    ['population', citizenReps, '... on Citizen { fullName }', 'fullName'],
    ['insurance', citizenReps, '... on Citizen { socialInsurance { code } }', 'socialInsurance'],
    ['business', citizenReps, '... on Citizen { enterprises { code } }', 'enterprises'],
    ['land', citizenReps, '... on Citizen { landCertificates { serial } }', 'landCertificates'],
    ['results', citizenReps, '... on Citizen { issuedResults { code } }', 'issuedResults'],
    [
      'business',
      [{ __typename: 'Enterprise', code: '0100109106' }],
      '... on Enterprise { name legalRepresentative { id } }',
      'name',
    ],
  ] as const)(
    'attack: %s _entities without its scope is FORBIDDEN with no upstream request',
    async (source, reps, selection, field) => {
      const stack = stacks[source]!;
      stack.mock.resetStats();
      const answer = await stack.query(
        ['population:read'].filter((s) => !s.startsWith(source)),
        entities(selection),
        {
          r: reps,
        },
      );
      const codes = errorCodes(answer);
      expect(codes[`_entities.0.${field}`]).toBe('FORBIDDEN');
      expect(Object.values(codes).every((code) => code === 'FORBIDDEN')).toBe(true);
      expect(stack.upstreamRequests()).toBe(0);
    },
  );

  it('insurance:read alone reads socialInsurance through _entities', async () => {
    const answer = await stacks['insurance']!.query(
      ['insurance:read'],
      entities('... on Citizen { socialInsurance { status } }'),
      {
        r: citizenReps,
      },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.['_entities']).toHaveLength(IDS.length);
  });

  it('a citizen read through _entities is null when not found, with population:read', async () => {
    const answer = await stacks['population']!.query(['population:read'], entities('... on Citizen { id }'), {
      r: [{ __typename: 'Citizen', id: 'not-an-id' }],
    });
    expect(answer.body.data).toEqual({ _entities: [null] });
  });
});
