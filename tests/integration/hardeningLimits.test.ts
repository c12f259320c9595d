// Each query limit proven by the attack it stops, through the gateway over HTTP: every attack is
// answered with a 4xx naming the limit (never the computed figure, never a 500) before any subgraph
// or national database is asked anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCES } from '../../lib/topology.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { ALL_READS_PROCEDURE, type Stack, startStack, TEST_DOSSIER } from '../support/stack.ts';

let stack: Stack;
let token: string;

beforeAll(async () => {
  // Variables may hold 10,000 ids here so that the list attack meets the cost limit, not the size one.
  stack = await startStack({ gatewayEnv: { QUERY_MAX_VARIABLES_BYTES: String(256 * 1024) } });
  token = await stack.token('population:read business:read insurance:read land:read results:read');
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
});

/** GraphQL requests the subgraphs have answered, from their own /metrics. */
async function subgraphRequests(): Promise<number> {
  let total = 0;
  for (const source of SOURCES) {
    const text = await (await fetch(`${stack.subgraphs[source].baseUrl}/metrics`)).text();
    for (const line of text.split('\n')) {
      if (line.startsWith('lienthong_graphql_requests_total{')) total += Number(line.split(' ').pop());
    }
  }
  return total;
}

interface Refusal {
  readonly status: number;
  readonly text: string;
  readonly code: unknown;
  readonly limit: unknown;
}

/** Sends an attack and returns its refusal, having checked that nothing downstream was asked. */
async function attack(send: () => Promise<Response>): Promise<Refusal> {
  const subgraphsBefore = await subgraphRequests();
  stack.resetUpstreamCounts();
  const response = await send();
  const text = await response.text();
  expect(await subgraphRequests()).toBe(subgraphsBefore);
  expect(Object.values(stack.upstreamRequests())).toEqual(SOURCES.map(() => 0));
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(text).not.toMatch(/Did you mean|\bat .*\.ts:\d+|127\.0\.0\.1/);
  const error = (JSON.parse(text) as { errors?: { extensions?: Record<string, unknown> }[] }).errors?.[0];
  return {
    status: response.status,
    text,
    code: error?.extensions?.['code'],
    limit: error?.extensions?.['limit'],
  };
}

function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(stack.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'x-procedure-code': ALL_READS_PROCEDURE,
      'x-dossier-id': TEST_DOSSIER,
      ...headers,
    },
    body,
  });
}

const postQuery = (query: string, variables?: Record<string, unknown>) =>
  post(JSON.stringify({ query, variables }));

describe('hostile operations are refused before any subgraph request', () => {
  it('deep nesting: spouse of spouse of … 20 levels', async () => {
    const query = `{ citizen(id: "${FIXTURES.husband}") { ${'spouse { '.repeat(20)}id${' }'.repeat(20)} } }`;
    const refusal = await attack(() => postQuery(query));
    expect(refusal).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX', limit: 'maxDepth' });
  });

  it('1,000 aliases', async () => {
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: __typename`).join(' ');
    const refusal = await attack(() => postQuery(`{ ${aliases} }`));
    expect(refusal).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX', limit: 'maxAliases' });
  });

  it('directive flood of known directives', async () => {
    const flood = Array.from({ length: 200 }, () => '... @include(if: true) { __typename }').join(' ');
    const refusal = await attack(() => postQuery(`{ ${flood} }`));
    expect(refusal).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX', limit: 'maxDirectives' });
  });

  it('directive flood of unknown directives on one field', async () => {
    const refusal = await attack(() => postQuery(`{ __typename ${'@aa '.repeat(1000)}}`));
    expect(refusal).toMatchObject({ status: 400, code: 'BAD_USER_INPUT' });
  });

  it('circular fragments', async () => {
    const query = `query { citizen(id: "${FIXTURES.husband}") { ...A } }
      fragment A on Citizen { id spouse { ...B } }
      fragment B on Citizen { id spouse { ...A } }`;
    const refusal = await attack(() => postQuery(query));
    expect(refusal).toMatchObject({ status: 400, code: 'BAD_USER_INPUT' });
  });

  it('a fragment spreading itself', async () => {
    const refusal = await attack(() => postQuery('{ ...A } fragment A on Query { __typename ...A }'));
    expect(refusal).toMatchObject({ status: 400, code: 'BAD_USER_INPUT' });
  });

  it('fragment bomb: each fragment spreads the previous one twice, 30 levels', async () => {
    const fragments = ['fragment F0 on Citizen { id fullName }'];
    for (let i = 1; i <= 30; i++) fragments.push(`fragment F${i} on Citizen { ...F${i - 1} ...F${i - 1} }`);
    const query = `{ citizen(id: "${FIXTURES.husband}") { ...F30 } } ${fragments.join(' ')}`;
    const refusal = await attack(() => postQuery(query));
    expect(refusal).toMatchObject({
      status: 400,
      code: 'QUERY_TOO_COMPLEX',
      limit: 'maxRecursiveSelections',
    });
  });

  it('a 5 MB body', async () => {
    const padding = 'x'.repeat(5 * 1024 * 1024);
    const refusal = await attack(() =>
      post(JSON.stringify({ query: `{ __typename }`, variables: { padding } })),
    );
    expect(refusal).toMatchObject({ status: 413, code: 'QUERY_TOO_COMPLEX', limit: 'maxBodyBytes' });
  });

  it('an array of 100 operations (batching is off)', async () => {
    const one = { query: `{ citizen(id: "${FIXTURES.husband}") { fullName } }` };
    const refusal = await attack(() => post(JSON.stringify(Array.from({ length: 100 }, () => one))));
    expect(refusal).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });

  it('a citizens list of 10,000 ids, costed through its variable', async () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `0790890${String(i).padStart(5, '0')}`);
    const refusal = await attack(() =>
      postQuery('query($ids: [ID!]!) { citizens(ids: $ids) { id fullName } }', { ids }),
    );
    expect(refusal).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' });
    // The estimate itself is never echoed: it would tell an attacker how close they came.
    expect(refusal.text).not.toMatch(/\d{4,}/);
  });

  it('oversized variables', async () => {
    const refusal = await attack(() => postQuery('{ __typename }', { padding: 'x'.repeat(300 * 1024) }));
    expect(refusal).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX', limit: 'maxVariablesBytes' });
  });

  it('too many tokens', async () => {
    const refusal = await attack(() => postQuery(`{ ${'__typename '.repeat(6000)}}`));
    expect(refusal).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX', limit: 'maxTokens' });
  });

  it('a variable of the wrong type', async () => {
    const refusal = await attack(() =>
      postQuery('query($id: ID!) { citizen(id: $id) { id } }', { id: { $gt: '' } }),
    );
    expect(refusal).toMatchObject({ status: 400, code: 'BAD_USER_INPUT' });
  });

  it('CSRF: a GET with a query and no preflight header', async () => {
    const query = encodeURIComponent(`{ citizen(id: "${FIXTURES.husband}") { fullName } }`);
    const refusal = await attack(() =>
      fetch(`${stack.graphqlUrl}?query=${query}`, {
        headers: {
          authorization: `Bearer ${token}`,
          'x-procedure-code': ALL_READS_PROCEDURE,
          'x-dossier-id': TEST_DOSSIER,
        },
      }),
    );
    expect(refusal).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });

  it('CSRF: a POST with a simple content type', async () => {
    const body = JSON.stringify({ query: `{ citizen(id: "${FIXTURES.husband}") { fullName } }` });
    const refusal = await attack(() => post(body, { 'content-type': 'text/plain' }));
    expect(refusal).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });

  it('a mutation sent over GET', async () => {
    const query = encodeURIComponent('mutation { __typename }');
    const refusal = await attack(() =>
      fetch(`${stack.graphqlUrl}?query=${query}`, {
        headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
      }),
    );
    expect(refusal.status).toBe(405);
  });

  it('still serves an ordinary query after all of the above', async () => {
    const answer = await stack.query(`{ citizen(id: "${FIXTURES.husband}") { fullName } }`, undefined, {
      token,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });
});
