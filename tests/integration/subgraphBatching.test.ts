// Batching against the real mocks: a query over N keys costs O(1) upstream requests per level, and a
// malformed identifier costs none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { congDan } from '../../mocks/data/population.ts';
import { sampleCitizenIds } from '../../mocks/data/samples.ts';
import { type SourceStack, startSourceStack } from './subgraphStack.ts';

// A hundred citizens who are in the population database (a few percent of well-formed ids are not).
const IDS = sampleCitizenIds(150, 'batching')
  .filter((id) => congDan(id) !== null)
  .slice(0, 100);
const ALL = ['population:read', 'business:read', 'insurance:read', 'land:read', 'results:read'];
const citizens = (ids: readonly string[]) => ids.map((id) => ({ __typename: 'Citizen', id }));

describe('batching', () => {
  const stacks: Partial<Record<string, SourceStack>> = {};

  beforeAll(async () => {
    for (const source of ['population', 'business', 'insurance', 'land', 'results'] as const) {
      stacks[source] = await startSourceStack(source);
    }
  });
  afterAll(async () => {
    for (const stack of Object.values(stacks)) await stack?.[Symbol.asyncDispose]();
  });

  it('population: 100 citizens with parents and households in one request per level', async () => {
    const stack = stacks['population']!;
    stack.mock.resetStats();
    const answer = await stack.query(
      ALL,
      'query($ids: [ID!]!) { citizens(ids: $ids) { id fullName father { fullName } household { members { relationToHead } } } }',
      { ids: IDS },
    );
    expect(answer.body.errors).toBeUndefined();
    const list = answer.body.data?.['citizens'] as { id: string }[];
    expect(list.map((c) => c.id)).toEqual(IDS);
    // citizens, then fathers and households side by side: three requests whatever N is.
    expect(stack.mock.stats().byRoute).toEqual({
      'POST /api/v1/cong-dan/tra-cuu': 2,
      'POST /api/v1/ho-gia-dinh/tra-cuu': 1,
    });
  });

  it('population: the same id asked twice is fetched once', async () => {
    const stack = stacks['population']!;
    stack.mock.resetStats();
    const answer = await stack.query(ALL, 'query($ids: [ID!]!) { citizens(ids: $ids) { id } }', {
      ids: [IDS[0], IDS[1], IDS[0]],
    });
    expect(answer.body.data?.['citizens']).toHaveLength(3);
    expect(stack.mock.stats().keys).toBe(2);
  });

  it.each([
    ['business', '... on Citizen { enterprises { name legalRepresentative { id } } }', 2],
    ['insurance', '... on Citizen { socialInsurance { code contributionPeriods { employer { code } } } }', 1],
    ['land', '... on Citizen { landCertificates { serial parcels { area } } }', 2],
    ['results', '... on Citizen { issuedResults { code status } }', 2],
  ] as const)('%s: _entities for 100 citizens in O(1) requests', async (source, selection, maxRequests) => {
    const stack = stacks[source]!;
    stack.mock.resetStats();
    const answer = await stack.query(
      ALL,
      `query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`,
      { r: citizens(IDS) },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.['_entities']).toHaveLength(100);
    expect(stack.upstreamRequests()).toBeGreaterThan(0);
    expect(stack.upstreamRequests()).toBeLessThanOrEqual(maxRequests);
  });

  it.each([
    ['population', '{ citizen(id: "12345") { id } }', 'id'],
    ['population', '{ citizen(id: "999999999999") { id } }', 'id'],
    ['population', '{ citizens(ids: ["001085000123", "abc"]) { id } }', 'ids'],
    ['business', '{ enterprise(code: "0101234567") { name } }', 'code'],
    ['land', '{ landCertificate(serial: "cs123") { serial } }', 'serial'],
    ['results', '{ issuedResult(code: "KS-1-2025-1") { code } }', 'code'],
  ] as const)('%s: %s is BAD_USER_INPUT with zero upstream requests', async (source, query, argument) => {
    const stack = stacks[source]!;
    stack.mock.resetStats();
    const answer = await stack.query(ALL, query);
    expect(answer.status).toBe(200);
    const error = answer.body.errors?.[0];
    expect(error?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error?.message).toContain(`"${argument}"`);
    expect(stack.upstreamRequests()).toBe(0);
  });

  it('population: more than 100 ids is BAD_USER_INPUT with zero upstream requests', async () => {
    const stack = stacks['population']!;
    stack.mock.resetStats();
    const answer = await stack.query(ALL, 'query($ids: [ID!]!) { citizens(ids: $ids) { id } }', {
      ids: [...IDS, IDS[0]],
    });
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(stack.upstreamRequests()).toBe(0);
  });
});
