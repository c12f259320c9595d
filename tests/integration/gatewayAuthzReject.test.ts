// AUTHORIZATION_MODE=reject through the running gateway: an operation that selects any field outside
// the scopes in force is refused whole with 403 FORBIDDEN, and nothing at all is fetched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;
let populationOnly: string;

beforeAll(async () => {
  stack = await startStack({ countSubgraphRequests: true, gatewayEnv: { AUTHORIZATION_MODE: 'reject' } });
  populationOnly = await stack.token('population:read');
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
});

const ID = { id: FIXTURES.husband };

describe('reject mode', () => {
  it('serves an operation entirely within the scopes in force', async () => {
    const answer = await stack.query('query($id: ID!) { citizen(id: $id) { fullName } }', ID, {
      token: populationOnly,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  it('attack: one field outside scope, hidden in a fragment, refuses the whole request', async () => {
    stack.resetUpstreamCounts();
    const answer = await stack.query(
      `query($id: ID!) { citizen(id: $id) { fullName ...Insured } }
       fragment Insured on Citizen { socialInsurance { code } }`,
      ID,
      { token: populationOnly },
    );
    expect(answer.status).toBe(403);
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      missingScopes: ['insurance:read'],
    });
    expect(Object.values(stack.subgraphRequests())).toEqual([0, 0, 0, 0, 0]);
    expect(Object.values(stack.upstreamRequests())).toEqual([0, 0, 0, 0, 0]);
  });
});
