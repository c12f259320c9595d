// Attacks on field-level authorization and purpose binding, through the running gateway over HTTP.
// A field outside the scopes in force comes back null with FORBIDDEN at its path while the rest is
// served, and it is never requested: the national database behind it sees no request (mock counter)
// and no subgraph document names it (recorded by the counting proxy).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Answer, type Stack, startStack } from '../support/stack.ts';

/** Entitled to population:read only (Đăng ký thường trú). */
const RESIDENCE_PROCEDURE = '1.004222';

let stack: Stack;
let populationOnly: string;
let populationAndInsurance: string;

beforeAll(async () => {
  stack = await startStack({ countSubgraphRequests: true });
  populationOnly = await stack.token('population:read');
  populationAndInsurance = await stack.token('population:read insurance:read');
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
});

const citizenOf = (answer: Answer) => answer.body.data?.['citizen'] as Record<string, unknown> | null;
const forbiddenAt = (answer: Answer) =>
  (answer.body.errors ?? [])
    .filter((e) => e.extensions?.['code'] === 'FORBIDDEN')
    .map((e) => ({ path: e.path, missingScopes: e.extensions?.['missingScopes'] }));

/** Nothing went to the insurance database or its subgraph. */
function expectInsuranceUntouched(): void {
  expect(stack.upstreamRequests().insurance).toBe(0);
  expect(stack.subgraphRequests().insurance).toBe(0);
}

async function ask(query: string, variables: Record<string, unknown>, options = {}): Promise<Answer> {
  stack.resetUpstreamCounts();
  return stack.query(query, variables, { token: populationOnly, ...options });
}

const ID = { id: FIXTURES.husband };

describe('a field outside the scopes in force', () => {
  it('control: with insurance:read the same field is served and fetched', async () => {
    const answer = await ask(
      'query($id: ID!) { citizen(id: $id) { fullName socialInsurance { code } } }',
      ID,
      {
        token: populationAndInsurance,
      },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(citizenOf(answer)?.['socialInsurance']).toEqual({ code: expect.stringMatching(/^\d{10}$/) });
    expect(stack.upstreamRequests().insurance).toBeGreaterThan(0);
    expect(stack.subgraphRequests().insurance).toBeGreaterThan(0);
  });

  it('attack: select Citizen.socialInsurance without insurance:read', async () => {
    const answer = await ask(
      'query($id: ID!) { citizen(id: $id) { fullName socialInsurance { code } } }',
      ID,
    );
    expect(answer.status).toBe(200);
    expect(citizenOf(answer)).toEqual({ fullName: expect.any(String), socialInsurance: null });
    expect(forbiddenAt(answer)).toEqual([
      { path: ['citizen', 'socialInsurance'], missingScopes: ['insurance:read'] },
    ]);
    expect(stack.upstreamRequests().population).toBeGreaterThan(0);
    expectInsuranceUntouched();
  });

  it('attack: the same field through a named fragment', async () => {
    const answer = await ask(
      `query($id: ID!) { citizen(id: $id) { ...Person } }
       fragment Person on Citizen { fullName socialInsurance { code } }`,
      ID,
    );
    expect(citizenOf(answer)).toEqual({ fullName: expect.any(String), socialInsurance: null });
    expect(forbiddenAt(answer)).toEqual([
      { path: ['citizen', 'socialInsurance'], missingScopes: ['insurance:read'] },
    ]);
    expectInsuranceUntouched();
  });

  it('attack: the same field through an inline fragment', async () => {
    const answer = await ask(
      'query($id: ID!) { citizen(id: $id) { fullName ... on Citizen { socialInsurance { code } } } }',
      ID,
    );
    expect(citizenOf(answer)).toEqual({ fullName: expect.any(String), socialInsurance: null });
    expect(forbiddenAt(answer)).toEqual([
      { path: ['citizen', 'socialInsurance'], missingScopes: ['insurance:read'] },
    ]);
    expectInsuranceUntouched();
  });

  it('attack: the same field under an alias (and an alias named like an allowed field)', async () => {
    const answer = await ask(
      'query($id: ID!) { citizen(id: $id) { fullName insurance: socialInsurance { code } id: socialInsurance { status } } }',
      ID,
    );
    expect(citizenOf(answer)).toEqual({ fullName: expect.any(String), insurance: null, id: null });
    expect(forbiddenAt(answer).map((f) => f.path)).toEqual(
      expect.arrayContaining([
        ['citizen', 'insurance'],
        ['citizen', 'id'],
      ]),
    );
    expectInsuranceUntouched();
  });

  it('attack: the same field under @include(if: $v) with v true', async () => {
    const query = `query($id: ID!, $v: Boolean!) { citizen(id: $id) { fullName socialInsurance @include(if: $v) { code } } }`;
    const answer = await ask(query, { ...ID, v: true });
    expect(citizenOf(answer)).toEqual({ fullName: expect.any(String), socialInsurance: null });
    expect(forbiddenAt(answer)).toEqual([
      { path: ['citizen', 'socialInsurance'], missingScopes: ['insurance:read'] },
    ]);
    expectInsuranceUntouched();
  });

  it('the same field under @include(if: $v) with v false: absent, no error, still not fetched', async () => {
    const query = `query($id: ID!, $v: Boolean!) { citizen(id: $id) { fullName socialInsurance @include(if: $v) { code } } }`;
    const answer = await ask(query, { ...ID, v: false });
    expect(answer.body.errors).toBeUndefined();
    expect(citizenOf(answer)).toEqual({ fullName: expect.any(String) });
    expectInsuranceUntouched();
  });

  it('attack: alternate v true and false on one cached operation, so a decision for false serves true', async () => {
    const query = `query($id: ID!, $v: Boolean!) { citizen(id: $id) { fullName socialInsurance @skip(if: $v) { code } } }`;
    for (const v of [true, false, true, false]) {
      const answer = await ask(query, { ...ID, v });
      if (v) {
        expect(answer.body.errors).toBeUndefined();
      } else {
        expect(citizenOf(answer)?.['socialInsurance']).toBeNull();
        expect(forbiddenAt(answer)).toHaveLength(1);
      }
      expectInsuranceUntouched();
    }
  });

  it('a variable left to its default decides like the default, whatever was cached for an explicit value', async () => {
    const query = `query($id: ID!, $v: Boolean = true) { citizen(id: $id) { fullName socialInsurance @include(if: $v) { code } } }`;
    const explicitFalse = await ask(query, { ...ID, v: false });
    expect(explicitFalse.body.errors).toBeUndefined();
    expect(citizenOf(explicitFalse)).toEqual({ fullName: expect.any(String) });
    // Omitted: the default (true) applies, so the field is selected, and denied.
    const omitted = await ask(query, ID);
    expect(citizenOf(omitted)).toEqual({ fullName: expect.any(String), socialInsurance: null });
    expect(forbiddenAt(omitted)).toHaveLength(1);
    expectInsuranceUntouched();
    // With the scope, the omitted variable selects and serves it.
    const served = await ask(query, ID, { token: populationAndInsurance });
    expect(citizenOf(served)?.['socialInsurance']).toEqual({ code: expect.any(String) });
    const servedExplicit = await ask(query, { ...ID, v: false }, { token: populationAndInsurance });
    expect(citizenOf(servedExplicit)).toEqual({ fullName: expect.any(String) });
  });

  it('attack: the field on every citizen of a batch gets its own error', async () => {
    const ids = [FIXTURES.husband, FIXTURES.wife];
    const answer = await ask(
      'query($ids: [ID!]!) { citizens(ids: $ids) { fullName socialInsurance { code } } }',
      { ids },
    );
    const citizens = answer.body.data?.['citizens'] as Record<string, unknown>[];
    expect(citizens.map((c) => c['socialInsurance'])).toEqual([null, null]);
    expect(citizens.every((c) => typeof c['fullName'] === 'string')).toBe(true);
    expect(forbiddenAt(answer).map((f) => f.path)).toEqual([
      ['citizens', 0, 'socialInsurance'],
      ['citizens', 1, 'socialInsurance'],
    ]);
    expectInsuranceUntouched();
  });

  it('attack: a sensitive field of the same subgraph is never named in its subgraph request', async () => {
    const answer = await ask('query($id: ID!) { citizen(id: $id) { fullName ethnicity religion } }', ID);
    expect(citizenOf(answer)).toEqual({ fullName: expect.any(String), ethnicity: null, religion: null });
    expect(forbiddenAt(answer)).toEqual([
      { path: ['citizen', 'ethnicity'], missingScopes: ['population:sensitive'] },
      { path: ['citizen', 'religion'], missingScopes: ['population:sensitive'] },
    ]);
    const sent = stack.subgraphQueries().population.join('\n');
    expect(sent).toContain('fullName');
    expect(sent).not.toMatch(/ethnicity|religion/);
  });

  it('attack: a denied non-null field nulls its parent, as GraphQL does, and is not fetched', async () => {
    const answer = await ask('query($id: ID!) { citizen(id: $id) { fullName enterprises { code } } }', ID);
    expect(answer.status).toBe(200);
    expect(citizenOf(answer)).toBeNull();
    expect(forbiddenAt(answer)).toEqual([
      { path: ['citizen', 'enterprises'], missingScopes: ['business:read'] },
    ]);
    expect(stack.upstreamRequests().business).toBe(0);
    expect(stack.subgraphRequests().business).toBe(0);
  });

  it('attack: a query made only of denied fields calls no subgraph at all', async () => {
    const answer = await ask('query($id: ID!) { citizen(id: $id) { socialInsurance { code } } }', ID, {
      token: await stack.token('insurance:read'),
      procedure: RESIDENCE_PROCEDURE,
    });
    expect(answer.body.data?.['citizen'] ?? null).toBeNull();
    expect(forbiddenAt(answer)).toHaveLength(1);
    expect(Object.values(stack.subgraphRequests())).toEqual([0, 0, 0, 0, 0]);
    expect(Object.values(stack.upstreamRequests())).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('federation internals through the gateway', () => {
  it('attack: _entities and _service are not part of the client API', async () => {
    for (const query of [
      `{ _entities(representations: [{ __typename: "Citizen", id: "${FIXTURES.husband}" }]) { ... on Citizen { fullName } } }`,
      '{ _service { sdl } }',
    ]) {
      const answer = await ask(query, {});
      expect(answer.body.data ?? null, query).toBeNull();
      expect(answer.body.errors?.[0]?.extensions?.['code'], query).toBe('BAD_USER_INPUT');
      expect(Object.values(stack.subgraphRequests())).toEqual([0, 0, 0, 0, 0]);
    }
  });

  it('attack: a batch of operations in one request is refused', async () => {
    stack.resetUpstreamCounts();
    const response = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${populationOnly}`,
        'x-procedure-code': RESIDENCE_PROCEDURE,
        'x-dossier-id': 'H01.22-251121-0042',
      },
      body: JSON.stringify([
        { query: `{ citizen(id: "${FIXTURES.husband}") { fullName } }` },
        { query: `{ citizen(id: "${FIXTURES.wife}") { fullName } }` },
      ]),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('fullName":"');
    expect(Object.values(stack.subgraphRequests())).toEqual([0, 0, 0, 0, 0]);
  });

  it('attack: a document whose other operation reads citizens, run under its purpose-free name', async () => {
    const citizen = await stack.token('citizen:self', { sub: FIXTURES.wife });
    const document = `query Mine { myAccessHistory(first: 1) { edges { cursor } } }
      query Theirs { citizen(id: "${FIXTURES.husband}") { fullName } }`;
    stack.resetUpstreamCounts();
    const response = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${citizen}` },
      body: JSON.stringify({ query: document, operationName: 'Theirs' }),
    });
    expect(response.status).toBe(403);
    const mine = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${citizen}` },
      body: JSON.stringify({ query: document, operationName: 'Mine' }),
    });
    expect(mine.status).toBe(200);
    expect(await mine.text()).not.toContain('fullName');
    expect(stack.upstreamRequests().population).toBe(0);
  });
});

describe('purpose binding', () => {
  const QUERY = 'query($id: ID!) { citizen(id: $id) { fullName } }';

  async function expectPurposeRequired(options: Record<string, unknown>): Promise<void> {
    const answer = await ask(QUERY, ID, options);
    expect(answer.status).toBe(403);
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('PURPOSE_REQUIRED');
    expect(answer.body.data ?? null).toBeNull();
    expect(Object.values(stack.subgraphRequests())).toEqual([0, 0, 0, 0, 0]);
    expect(Object.values(stack.upstreamRequests())).toEqual([0, 0, 0, 0, 0]);
  }

  it('attack: purpose headers missing', async () => {
    await expectPurposeRequired({ procedure: null, dossier: null });
    await expectPurposeRequired({ procedure: null });
    await expectPurposeRequired({ dossier: null });
    await expectPurposeRequired({ procedure: '', dossier: '' });
  });

  it('attack: a well-formed procedure code that the registry does not know', async () => {
    await expectPurposeRequired({ procedure: '9.999999' });
  });

  it('attack: a malformed procedure code', async () => {
    for (const procedure of ['1.004222,1.003005', "1.004222' OR '1'='1", '1004222'])
      await expectPurposeRequired({ procedure });
  });

  it('attack: a malformed dossier id', async () => {
    for (const dossier of [
      '../../etc/passwd',
      'H92',
      'x'.repeat(65),
      'H92.31 251121',
      'H92<script>',
      '-H92.31-0042',
    ])
      await expectPurposeRequired({ dossier });
  });

  it('attack: a procedure that does not allow a scope the token has', async () => {
    const answer = await ask(
      'query($id: ID!) { citizen(id: $id) { fullName socialInsurance { code } } }',
      ID,
      {
        token: populationAndInsurance,
        procedure: RESIDENCE_PROCEDURE,
      },
    );
    expect(answer.status).toBe(200);
    expect(citizenOf(answer)).toEqual({ fullName: expect.any(String), socialInsurance: null });
    expect(forbiddenAt(answer)).toEqual([
      { path: ['citizen', 'socialInsurance'], missingScopes: ['insurance:read'] },
    ]);
    expectInsuranceUntouched();
  });
});

describe('tokens of other kinds', () => {
  it('attack: a citizen token (citizen:self) reads its own access history, not citizen(id:)', async () => {
    const citizen = await stack.token('citizen:self', { sub: FIXTURES.wife });
    const history = await ask(
      '{ myAccessHistory(first: 5) { edges { node { at } } } }',
      {},
      {
        token: citizen,
        procedure: null,
        dossier: null,
      },
    );
    expect(history.status).toBe(200);
    expect(history.body.errors).toBeUndefined();

    await expectDeniedCitizen(citizen, { procedure: null, dossier: null });
    // With purpose headers it gets no further: citizen:self is not a scope any procedure grants.
    const withPurpose = await ask(
      'query($id: ID!) { citizen(id: $id) { fullName } }',
      { id: FIXTURES.wife },
      {
        token: citizen,
      },
    );
    expect(citizenOf(withPurpose)).toBeNull();
    expect(forbiddenAt(withPurpose)).toEqual([{ path: ['citizen'], missingScopes: ['population:read'] }]);
    expect(Object.values(stack.subgraphRequests())).toEqual([0, 0, 0, 0, 0]);
  });

  it('attack: an audit:read token with a procedure header reads no citizen data', async () => {
    const auditor = await stack.token('audit:read');
    const answer = await ask('query($id: ID!) { citizen(id: $id) { fullName } }', ID, { token: auditor });
    expect(citizenOf(answer)).toBeNull();
    expect(forbiddenAt(answer)).toEqual([{ path: ['citizen'], missingScopes: ['population:read'] }]);
    expect(Object.values(stack.subgraphRequests())).toEqual([0, 0, 0, 0, 0]);
    expect(Object.values(stack.upstreamRequests())).toEqual([0, 0, 0, 0, 0]);
  });

  async function expectDeniedCitizen(token: string, options: Record<string, unknown>): Promise<void> {
    const answer = await ask(
      'query($id: ID!) { citizen(id: $id) { fullName } }',
      { id: FIXTURES.wife },
      {
        token,
        ...options,
      },
    );
    expect(answer.body.data?.['citizen'] ?? null).toBeNull();
    expect(answer.body.errors?.[0]?.extensions?.['code']).toMatch(/^(PURPOSE_REQUIRED|FORBIDDEN)$/);
    expect(stack.upstreamRequests().population).toBe(0);
  }
});

describe('the cache of authorization decisions', () => {
  it('attack: two clients with different scopes alternate one operation; each gets exactly its own fields', async () => {
    const query = 'query($id: ID!) { citizen(id: $id) { fullName socialInsurance { code } } }';
    const wide = await stack.token('population:read insurance:read', {
      sub: 'ubnd-hanoi.motcua',
    });
    const narrow = await stack.token('population:read', { sub: 'ubnd-cantho.motcua' });
    for (let round = 0; round < 3; round++) {
      const a = await ask(query, ID, { token: wide });
      expect(a.body.errors).toBeUndefined();
      expect(citizenOf(a)?.['socialInsurance']).not.toBeNull();

      const b = await ask(query, ID, { token: narrow });
      expect(citizenOf(b)).toEqual({ fullName: expect.any(String), socialInsurance: null });
      expect(forbiddenAt(b).map((f) => f.path)).toEqual([['citizen', 'socialInsurance']]);
      expectInsuranceUntouched();
    }
  });
});
