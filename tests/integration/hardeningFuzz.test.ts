// No 500 where the contract promises a 4xx (DESIGN.md "Errors": a client's mistake is never a 500):
// a fuzz pass over the gateway's whole HTTP surface — methods, paths, query strings, headers, cookies
// and bodies, well-formed and not — and the deep-nesting attacks found by review. Every answer must be
// below 500, and nothing the gateway logs may carry a stack trace.
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { ALL_READS_PROCEDURE, type Stack, startStack, TEST_DOSSIER } from '../support/stack.ts';

let stack: Stack;
let token: string;
const logLines: string[] = [];

beforeAll(async () => {
  stack = await startStack({
    gatewayLogger: pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) }),
    gatewayEnv: { RATE_LIMIT_CLIENTS: 'ubnd-cantho.motcua=100000/100000', GRAPHIQL: '1' },
  });
  token = await stack.token('population:read audit:read');
});

afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
});

const STACK_FRAME = /\n\s+at .+\(.*:\d+:\d+\)|"stack":/;

/** JSON text of an object nested `depth` levels deep (built as text: serializing it would overflow the stack). */
const nested = (depth: number): string => `${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}`;

async function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${stack.gateway.url}/graphql`, {
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

describe('attack: deep nesting', () => {
  it('variables nested 5,000 levels deep are a 4xx, not a 500', async () => {
    const query = JSON.stringify('query($id: ID!) { citizen(id: $id) { fullName } }');
    for (const variables of [
      `{"id":${nested(5000)}}`,
      `{"id":"${FIXTURES.husband}","extra":${nested(5000)}}`,
    ]) {
      const response = await post(`{"query":${query},"variables":${variables}}`);
      expect(response.status).toBeLessThan(500);
      expect(response.status).toBeGreaterThanOrEqual(400);
    }
  });

  it('an input list nested 5,000 levels deep is a 4xx, not a 500', async () => {
    const list = `${'['.repeat(5000)}"${FIXTURES.husband}"${']'.repeat(5000)}`;
    const query = JSON.stringify('query($ids: [ID!]!) { citizens(ids: $ids) { id } }');
    const response = await post(`{"query":${query},"variables":{"ids":${list}}}`);
    expect(response.status).toBeLessThan(500);
    expect(response.status).toBeGreaterThanOrEqual(400);
  });

  it('a body of 5,000 nested arrays is a 4xx, not a 500', async () => {
    const response = await post(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    expect(response.status).toBeLessThan(500);
  });
});

const PATHS = [
  '/graphql',
  '/admin/',
  '/admin/events',
  '/admin/subject',
  '/admin/login',
  '/cong-dan/',
  '/cong-dan/login',
  '/audit/checkpoint',
  '/audit/proof/inclusion',
  '/audit/proof/consistency',
  '/graphiql',
  '/.well-known/jwks.json',
  '/healthz',
  '/readyz',
  '/nowhere',
];

const junk = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom('%', '%zz', '../../etc/passwd', '\u0000', '{', '"', 'null', '[]', '-1', '9'.repeat(40)),
);

/** Header values fetch accepts (no control characters except tab): the junk a client can send. */
const headerValue = junk.map((s) =>
  [...s].map((c) => (c === '\t' || (c >= ' ' && c <= '~') ? c : '?')).join(''),
);

describe('property: no request to any path answers 5xx or logs a stack', () => {
  it('holds for random methods, paths, query strings, headers, cookies and bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'),
        fc.constantFrom(...PATHS),
        fc.array(
          fc.tuple(
            fc.constantFrom(
              'query',
              'extensions',
              'variables',
              'index',
              'size',
              'from',
              'to',
              'lang',
              'subject',
              'after',
              'first',
              'operationName',
            ),
            junk,
          ),
          { maxLength: 4 },
        ),
        fc.record({
          authorization: fc.oneof(
            fc.constant(`Bearer ${token}`),
            headerValue.map((v) => `Bearer ${v}`),
            headerValue,
          ),
          cookie: headerValue.map((v) => `lienthong_admin=${v}; lienthong_citizen=${v}; lienthong_lang=${v}`),
          'content-type': fc.constantFrom(
            'application/json',
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data',
          ),
          accept: fc.constantFrom(
            'application/json',
            'application/graphql-response+json',
            'text/html',
            '*/*',
          ),
          'x-procedure-code': headerValue,
          'x-dossier-id': headerValue,
          'x-request-id': headerValue,
          'apollo-require-preflight': fc.constantFrom('1', ''),
        }),
        fc.oneof(
          junk,
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc
            .record({ query: junk, variables: fc.jsonValue(), extensions: fc.jsonValue() })
            .map((v) => JSON.stringify(v)),
          fc.constantFrom(
            JSON.stringify({
              query: '{ __typename }',
              extensions: { persistedQuery: { version: 1, sha256Hash: 42 } },
            }),
            JSON.stringify({ query: `{ citizen(id: "${FIXTURES.husband}") { fullName } }`, variables: null }),
            'query=%7B__typename%7D&variables=%',
          ),
        ),
        async (method, path, params, headers, body) => {
          const search = new URLSearchParams(params).toString();
          const response = await fetch(`${stack.gateway.url}${path}${search ? `?${search}` : ''}`, {
            method,
            headers,
            ...(method === 'GET' || method === 'OPTIONS' ? {} : { body }),
            redirect: 'manual',
          });
          await response.arrayBuffer();
          expect(response.status, `${method} ${path}?${search}`).toBeLessThan(500);
        },
      ),
      { numRuns: 300, seed: 20261201 },
    );
    const stacks = logLines.filter((line) => STACK_FRAME.test(line));
    expect(stacks).toEqual([]);
  });
});
