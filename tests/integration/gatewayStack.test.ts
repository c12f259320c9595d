// The federated stack end to end over real HTTP: joins across subgraphs, batching, validation at the
// edge, partial failure, determinism and consistency between sources.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack } from '../support/stack.ts';

const ALL_READS = 'population:read business:read insurance:read land:read results:read';
let stack: Stack;
let token: string;

beforeAll(async () => {
  stack = await startStack();
  token = await stack.token(ALL_READS);
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
});

describe('the federated stack', () => {
  it('joins a citizen with all five sources in one response', async () => {
    const answer = await stack.query(
      `query($id: ID!) { citizen(id: $id) { id fullName spouse { id } socialInsurance { code }
        enterprises { code legalRepresentative { id } } landCertificates { serial } issuedResults { code } } }`,
      { id: FIXTURES.husband },
      { token },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    const citizen = answer.body.data?.['citizen'] as Record<string, any>;
    expect(citizen['id']).toBe(FIXTURES.husband);
    expect(citizen['spouse']['id']).toBe(FIXTURES.wife);
    expect(citizen['socialInsurance']['code']).toMatch(/^\d{10}$/);
    expect(citizen['enterprises'].map((e: any) => e.code)).toContain(FIXTURES.enterprise);
    // Join back: the enterprise's representative (business → population) is the same citizen.
    for (const enterprise of citizen['enterprises'])
      expect(enterprise.legalRepresentative.id).toBe(FIXTURES.husband);
    expect(citizen['landCertificates'].map((l: any) => l.serial)).toContain(FIXTURES.landSerial);
    expect(citizen['issuedResults'].map((r: any) => r.code)).toContain(FIXTURES.landResult);
  });

  it('joins from an enterprise to its representative and back to the enterprise', async () => {
    const answer = await stack.query(
      `query($code: ID!) { enterprise(code: $code) { code name legalRepresentative { id fullName enterprises { code } } } }`,
      { code: FIXTURES.enterprise },
      { token },
    );
    expect(answer.body.errors).toBeUndefined();
    const enterprise = answer.body.data?.['enterprise'] as Record<string, any>;
    expect(enterprise['legalRepresentative']['id']).toBe(FIXTURES.husband);
    expect(enterprise['legalRepresentative']['enterprises'].map((e: any) => e.code)).toContain(
      FIXTURES.enterprise,
    );
  });

  it('answers 100 citizens with nested enterprises and insurance in a constant number of upstream requests', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `0790890${String(10_000 + i * 37).padStart(5, '0')}`);
    stack.resetUpstreamCounts();
    const answer = await stack.query(
      `query($ids: [ID!]!) { citizens(ids: $ids) { id fullName spouse { fullName }
        enterprises { code name legalRepresentative { fullName } } socialInsurance { code contributionPeriods { employer { name } } } } }`,
      { ids },
      { token },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.status).toBe(200);
    expect((answer.body.data!['citizens'] as unknown[]).length).toBe(100);
    const counts = stack.upstreamRequests();
    // One batch per source per level, whatever the number of citizens: population for the citizens,
    // their spouses and the representatives; business for the enterprises by person, the enterprises
    // and the employers; insurance for the participations.
    expect(counts.population).toBeLessThanOrEqual(4);
    expect(counts.business).toBeLessThanOrEqual(4);
    expect(counts.insurance).toBeLessThanOrEqual(2);
  });

  it('refuses a malformed id with BAD_USER_INPUT naming the argument, with no upstream request', async () => {
    stack.resetUpstreamCounts();
    const answer = await stack.query('{ citizen(id: "12345") { fullName } }', undefined, { token });
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(answer.body.errors?.[0]?.message).toContain('"id"');
    expect(Object.values(stack.upstreamRequests()).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('serves the rest when one national database fails, with UPSTREAM_UNAVAILABLE at its path', async () => {
    stack.mocks.insurance.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      const answer = await stack.query(
        'query($id: ID!) { citizen(id: $id) { fullName socialInsurance { code } } }',
        { id: FIXTURES.husband },
        { token },
      );
      expect(answer.status).toBe(200);
      expect((answer.body.data!['citizen'] as any).fullName).toBeTruthy();
      expect((answer.body.data!['citizen'] as any).socialInsurance).toBeNull();
      const error = answer.body.errors?.find((e) => e.extensions?.['code'] === 'UPSTREAM_UNAVAILABLE');
      expect(error?.path).toEqual(['citizen', 'socialInsurance']);
      expect(answer.text).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|stack/);
    } finally {
      stack.mocks.insurance.setFaults({ errorRate: 0 });
    }
  });

  it('gives the same data for the same id, run after run', async () => {
    const q =
      'query($id: ID!) { citizen(id: $id) { fullName dateOfBirth sex permanentResidence { provinceName communeName } } }';
    const first = await stack.query(q, { id: '001089012345' }, { token });
    const second = await stack.query(q, { id: '001089012345' }, { token });
    expect(first.body.data).toEqual(second.body.data);
    expect((first.body.data!['citizen'] as any).dateOfBirth).toMatch(/^1989-/);
    expect((first.body.data!['citizen'] as any).sex).toBe('MALE');
  });

  it('keeps sources consistent: household members point back to the household', async () => {
    const answer = await stack.query(
      `query($id: ID!) { citizen(id: $id) { household { code members { citizen { id household { code } } } } } }`,
      { id: FIXTURES.wife },
      { token },
    );
    const household = (answer.body.data!['citizen'] as any).household;
    expect(household.code).toBe(FIXTURES.household);
    expect(household.members.map((m: any) => m.citizen.id).sort()).toEqual(
      [FIXTURES.husband, FIXTURES.wife, ...FIXTURES.children].sort(),
    );
    for (const member of household.members) expect(member.citizen.household.code).toBe(FIXTURES.household);
  });
});
