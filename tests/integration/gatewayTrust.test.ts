// Attacks on the trust boundary around the gateway, over HTTP: subgraphs called directly (without the
// gateway's internal token, with a stale or misdirected one, or one lacking the scope), introspection
// and schema hints, and subgraph errors that would leak host names or personal data to a client.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInternalToken } from '../../lib/internalToken.ts';
import { SOURCES, type Source } from '../../lib/topology.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type GraphQLAnswer, postGraphQL } from '../support/internalTokens.ts';
import { type Stack, startStack } from '../support/stack.ts';

/** Per subgraph: a root or entity read, and the same data through `_entities`, with the scope each needs. */
const PROBES: Record<Source, { scope: string; root?: string; entities: string; representation: object }> = {
  population: {
    scope: 'population:read',
    root: `{ citizen(id: "${FIXTURES.husband}") { fullName } }`,
    entities: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { fullName } } }',
    representation: { __typename: 'Citizen', id: FIXTURES.husband },
  },
  business: {
    scope: 'business:read',
    root: `{ enterprise(code: "${FIXTURES.enterprise}") { name } }`,
    entities: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { name } } }',
    representation: { __typename: 'Enterprise', code: FIXTURES.enterprise },
  },
  insurance: {
    scope: 'insurance:read',
    entities:
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Citizen { socialInsurance { code } } } }',
    representation: { __typename: 'Citizen', id: FIXTURES.husband },
  },
  land: {
    scope: 'land:read',
    root: `{ landCertificate(serial: "${FIXTURES.landSerial}") { holders { kind } } }`,
    entities:
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on LandCertificate { holders { kind } } } }',
    representation: { __typename: 'LandCertificate', serial: FIXTURES.landSerial },
  },
  results: {
    scope: 'results:read',
    root: `{ issuedResult(code: "${FIXTURES.birthRegistration}") { status } }`,
    entities: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on IssuedResult { status } } }',
    representation: { __typename: 'IssuedResult', code: FIXTURES.birthRegistration },
  },
};

/** What a hostile or broken land subgraph answers; the gateway is pointed at it instead of the real one. */
type FakeMode =
  | 'internal-with-host'
  | 'unknown-code'
  | 'leaky-extensions'
  | 'html-500'
  | 'json-500'
  | 'not-json';
const HOST = 'db-land-01.tnmt.internal';
const PERSON = 'Nguyễn Văn An';
const SECRETS = [HOST, '10.20.30.40', PERSON, FIXTURES.husband, 'at Object.', 'DATABASE_ERROR', 'stacktrace'];

let mode: FakeMode = 'internal-with-host';
let fake: Server;
let stack: Stack;
const logLines: string[] = [];

function fakeAnswer(): { status: number; type: string; body: string } {
  const json = (status: number, value: unknown) => ({
    status,
    type: 'application/json',
    body: JSON.stringify(value),
  });
  const leak = `connect ECONNREFUSED ${HOST} (10.20.30.40:5432) loading holder ${FIXTURES.husband} ${PERSON}`;
  switch (mode) {
    case 'internal-with-host':
      return json(200, {
        data: { landCertificate: null },
        errors: [
          {
            message: leak,
            path: ['landCertificate'],
            extensions: {
              code: 'INTERNAL_SERVER_ERROR',
              stacktrace: [`Error: ${leak}`, '    at Object.<anonymous>'],
            },
          },
        ],
      });
    case 'unknown-code':
      return json(200, {
        data: { landCertificate: null },
        errors: [
          { message: leak, path: ['landCertificate'], extensions: { code: 'DATABASE_ERROR', host: HOST } },
        ],
      });
    case 'leaky-extensions':
      // A contract code passes, but only with the contract's extensions.
      return json(200, {
        data: { landCertificate: null },
        errors: [
          {
            // The message too: an upstream failure's text is rebuilt from its source by the gateway.
            message: `The land database did not answer: ${HOST} refused ${PERSON}.`,
            path: ['landCertificate'],
            extensions: {
              code: 'UPSTREAM_UNAVAILABLE',
              source: 'land',
              host: HOST,
              holder: PERSON,
              exception: { stacktrace: ['at Object.<anonymous>'] },
            },
          },
        ],
      });
    case 'html-500':
      return {
        status: 500,
        type: 'text/html',
        body: `<html><body><h1>500</h1><p>${leak}</p><hr>nginx at ${HOST}</body></html>`,
      };
    case 'json-500':
      return json(500, { errors: [{ message: leak }] });
    case 'not-json':
      return { status: 200, type: 'text/plain', body: leak };
  }
}

beforeAll(async () => {
  fake = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const { status, type, body } = fakeAnswer();
      res.writeHead(status, { 'content-type': type }).end(body);
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  const { port } = fake.address() as AddressInfo;
  stack = await startStack({
    subgraphUrls: { land: `http://127.0.0.1:${port}/graphql` },
    gatewayLogger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
  });
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  await new Promise((resolve) => fake?.close(resolve));
});

const codes = (answer: GraphQLAnswer) => (answer.body.errors ?? []).map((e) => e.extensions?.['code']);

describe('a subgraph called directly', () => {
  async function expectUnauthenticated(source: Source, token: string | undefined): Promise<void> {
    const probe = PROBES[source];
    stack.resetUpstreamCounts();
    for (const [query, variables] of [
      ...(probe.root ? [[probe.root, {}] as const] : []),
      [probe.entities, { r: [probe.representation] }] as const,
    ]) {
      const answer = await postGraphQL(stack.subgraphs[source].url, token, query, variables);
      expect(answer.status, source).toBe(401);
      expect(codes(answer), source).toEqual(['UNAUTHENTICATED']);
      expect(answer.body.data, source).toBeUndefined();
    }
    expect(stack.upstreamRequests()[source], source).toBe(0);
  }

  const internalToken = (source: Source, scopes: string[], audience: Source = source, nowSeconds?: number) =>
    signInternalToken(
      stack.internalKey,
      { clientId: 'ubnd-cantho.motcua', requestId: 'direct-call-0001', scopes },
      audience,
      nowSeconds,
    );

  it.each(SOURCES)('attack: %s without any token', (source) => expectUnauthenticated(source, undefined));

  it.each(SOURCES)('attack: %s with a client token instead of an internal one', async (source) => {
    await expectUnauthenticated(source, await stack.token(PROBES[source].scope));
  });

  it.each(SOURCES)('attack: %s with an expired internal token', async (source) => {
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    await expectUnauthenticated(
      source,
      await internalToken(source, [PROBES[source].scope], source, tenMinutesAgo),
    );
  });

  it.each(SOURCES)('attack: %s with an internal token for another subgraph', async (source) => {
    const other = SOURCES.find((s) => s !== source)!;
    await expectUnauthenticated(source, await internalToken(source, [PROBES[source].scope], other));
  });

  it.each(SOURCES)(
    'attack: %s with an internal token lacking the scope, also via _entities',
    async (source) => {
      const probe = PROBES[source];
      const wrong = await internalToken(
        source,
        SOURCES.filter((s) => s !== source).map((s) => PROBES[s].scope),
      );
      stack.resetUpstreamCounts();
      if (probe.root) {
        const answer = await postGraphQL(stack.subgraphs[source].url, wrong, probe.root);
        expect(answer.status).toBe(200);
        expect(codes(answer)).toContain('FORBIDDEN');
        expect(JSON.stringify(answer.body.data)).not.toMatch(/"(fullName|name|kind|status)":"/);
      }
      const entities = await postGraphQL(stack.subgraphs[source].url, wrong, probe.entities, {
        r: [probe.representation],
      });
      expect(codes(entities)).toContain('FORBIDDEN');
      expect(entities.body.errors?.[0]?.path?.[0]).toBe('_entities');
      expect(JSON.stringify(entities.body.data ?? null)).not.toMatch(/"(fullName|name|kind|status|code)":"/);
      expect(stack.upstreamRequests()[source]).toBe(0);

      // Control: the same token with the scope is served.
      const right = await internalToken(source, [probe.scope]);
      const served = await postGraphQL(stack.subgraphs[source].url, right, probe.entities, {
        r: [probe.representation],
      });
      expect(served.body.errors).toBeUndefined();
    },
  );
});

describe('introspection and schema hints', () => {
  const INTROSPECTION = '{ __schema { queryType { name } types { name } } }';

  it('attack: introspection without schema:introspect', async () => {
    for (const query of [INTROSPECTION, '{ __type(name: "Citizen") { fields { name } } }']) {
      const answer = await stack.query(query, undefined, { token: await stack.token('population:read') });
      expect(answer.status).toBe(403);
      expect(answer.body.data ?? null).toBeNull();
      expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      expect(answer.text).not.toContain('Citizen');
    }
  });

  it('attack: introspection hidden in a fragment or under an alias', async () => {
    const token = await stack.token('population:read');
    for (const query of [
      'query { ...Q } fragment Q on Query { __schema { types { name } } }',
      '{ s: __schema { types { name } } }',
      '{ ... on Query { __type(name: "Citizen") { name } } }',
    ]) {
      const answer = await stack.query(query, undefined, { token });
      expect(answer.status, query).toBe(403);
      expect(answer.text, query).not.toContain('SocialInsurance');
    }
  });

  it('allows introspection with schema:introspect', async () => {
    const answer = await stack.query(INTROSPECTION, undefined, {
      token: await stack.token('schema:introspect'),
      procedure: null,
      dossier: null,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    const schema = answer.body.data?.['__schema'] as { types: { name: string }[] } | undefined;
    expect(schema?.types.map((t) => t.name)).toContain('Citizen');
  });

  it('attack: probing field names gets no "Did you mean" suggestions', async () => {
    const token = await stack.token('population:read');
    for (const query of [
      `{ citizen(id: "${FIXTURES.husband}") { fullNam } }`,
      `{ citizen(id: "${FIXTURES.husband}") { socialInsuranc { code } } }`,
      '{ citize(id: "1") { id } }',
      `{ citizen(idd: "${FIXTURES.husband}") { id } }`,
    ]) {
      const answer = await stack.query(query, undefined, { token });
      expect(answer.body.errors?.[0]?.extensions?.['code'], query).toBe('BAD_USER_INPUT');
      expect(answer.text, query).not.toMatch(/did you mean/i);
      expect(answer.text, query).not.toMatch(/fullName|socialInsurance"|"citizen"/);
    }
  });
});

describe('a subgraph error on its way to the client', () => {
  const QUERY = `{ landCertificate(serial: "${FIXTURES.landSerial}") { serial } }`;

  async function askThroughFake(as: FakeMode) {
    mode = as;
    logLines.length = 0;
    const answer = await stack.query(QUERY, undefined, { token: await stack.token('land:read') });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ landCertificate: null });
    for (const secret of SECRETS) expect(answer.text, `${as}: ${secret}`).not.toContain(secret);
    // The original goes to the log, without the citizen's id or name.
    const logged = logLines.join('\n');
    expect(logged).not.toContain(FIXTURES.husband);
    expect(logged).not.toContain(PERSON);
    return answer;
  }

  it('attack: an internal error whose message carries a host name and a personal detail', async () => {
    const answer = await askThroughFake('internal-with-host');
    expect(answer.body.errors).toEqual([
      {
        message: 'Internal server error.',
        path: ['landCertificate'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
    const masked = logLines.map((line) => JSON.parse(line)).find((l) => l.msg === 'subgraph error masked');
    expect(masked).toMatchObject({ subgraph: 'land', code: 'INTERNAL_SERVER_ERROR' });
    expect(masked.message).toContain(HOST);
  });

  it('attack: a GraphQL error with a code outside the contract', async () => {
    const answer = await askThroughFake('unknown-code');
    expect(answer.body.errors).toEqual([
      {
        message: 'Internal server error.',
        path: ['landCertificate'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
  });

  it('attack: a contract code carrying extra extensions', async () => {
    const answer = await askThroughFake('leaky-extensions');
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', source: 'land' });
    expect(answer.body.errors?.[0]?.message).toBe('The land database did not answer in time.');
    expect(answer.text).not.toContain(HOST);
    expect(answer.text).not.toContain(PERSON);
  });

  it.each(['html-500', 'json-500', 'not-json'] as const)('attack: the subgraph answers %s', async (as) => {
    const answer = await askThroughFake(as);
    expect(answer.body.errors?.map((e) => e.extensions)).toEqual([
      expect.objectContaining({
        code: expect.stringMatching(/^(UPSTREAM_UNAVAILABLE|INTERNAL_SERVER_ERROR)$/),
      }),
    ]);
    expect(answer.text).not.toMatch(/<html|nginx|ECONNREFUSED/i);
  });
});
