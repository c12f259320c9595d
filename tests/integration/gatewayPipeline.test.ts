// The gateway's gates run as one sequential pipeline (gateway/src/plugins/index.ts): identity → rate
// limit → limits → cost budget → purpose → authorization → audit. Attacked as a client would: floods
// of invalid and over-limit requests, refusals that must stop the stages after them, and one client's
// burst against another's lookups. Counts, never times.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../gateway/src/audit/createAuditStore.ts';
import type { AuditStore } from '../../gateway/src/audit/types.ts';
import type { GatewayContext } from '../../gateway/src/context.ts';
import { generateSigningJwk, signingKeyFromJwk } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Answer, type Stack, startStack } from '../support/stack.ts';

let dir: string;
let store: AuditStore;
let stack: Stack;
/** Stages run, per client id, in order. */
const stagesRun = new Map<string, string[]>();

const FLOOD_QUOTA = 20;
const PROFILE = 'query($id: ID!) { citizen(id: $id) { fullName dateOfBirth } }';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-pipeline-'));
  store = await createAuditStore({
    dataDir: join(dir, 'audit'),
    checkpointKey: await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'pipeline-audit')),
    logger: silentLogger(),
  });
  stack = await startStack({
    auditStore: store,
    countSubgraphRequests: true,
    upstreamTimeoutMs: 10_000,
    // The population database answers slowly, so that requests of one client overlap.
    faults: { population: { delayMs: 1500 } },
    gatewayEnv: {
      // A quota that refills once in ~100 s: nothing of it comes back during the test.
      RATE_LIMIT_CLIENTS: `ubnd-flood.motcua=${FLOOD_QUOTA}/0.01,ubnd-costly.motcua=1000/1000`,
      QUERY_MAX_COST: '2000',
      RATE_LIMIT_COST_CAPACITY: '2000',
      RATE_LIMIT_COST_PER_SECOND: '0.01',
      CLIENT_MAX_CONCURRENT_REQUESTS: '3',
    },
    onStage: (name: string, context: GatewayContext) => {
      const list = stagesRun.get(context.identity.clientId) ?? [];
      list.push(name);
      stagesRun.set(context.identity.clientId, list);
    },
  });
});

afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  await store?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

const nothingFetchedAtAll = () => Object.values(stack.subgraphRequests()).every((n) => n === 0);
const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.['code'];

async function recordsOf(clientId: string): Promise<number> {
  let count = 0;
  for await (const record of store.exportRange(new Date(0), new Date(Date.now() + 60_000)))
    if (record.clientId === clientId) count++;
  return count;
}

describe('the request pipeline', () => {
  it('runs its stages one after another in the documented order', async () => {
    const token = await stack.token('population:read', { sub: 'ubnd-order.motcua' });
    const answer = await stack.query(PROFILE, { id: FIXTURES.husband }, { token });
    expect(answer.status).toBe(200);
    expect(stagesRun.get('ubnd-order.motcua')).toEqual(['limits', 'costBudget', 'purpose', 'authorization']);
  });

  it('attack: an over-limit operation without purpose is refused by limits, and purpose never runs', async () => {
    const token = await stack.token('population:read', { sub: 'ubnd-deep.motcua' });
    const deep = `{ citizen(id: "${FIXTURES.husband}") { ${'spouse { '.repeat(14)}id${' }'.repeat(14)} } }`;
    stack.resetUpstreamCounts();
    const answer = await stack.query(deep, {}, { token, procedure: null, dossier: null });
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe('QUERY_TOO_COMPLEX');
    expect(stagesRun.get('ubnd-deep.motcua')).toEqual(['limits']);
    expect(Object.values(stack.subgraphRequests()).every((n) => n === 0)).toBe(true);
  });

  it('attack: a refused purpose never reaches authorization, and nothing is fetched', async () => {
    const token = await stack.token('population:read', { sub: 'ubnd-nopurpose.motcua' });
    stack.resetUpstreamCounts();
    const answer = await stack.query(
      PROFILE,
      { id: FIXTURES.wife },
      { token, procedure: null, dossier: null },
    );
    expect(codeOf(answer)).toBe('PURPOSE_REQUIRED');
    expect(stagesRun.get('ubnd-nopurpose.motcua')).toEqual(['limits', 'costBudget', 'purpose']);
    expect(Object.values(stack.subgraphRequests()).every((n) => n === 0)).toBe(true);
  });

  it('attack: a root fragment is no way around purpose', async () => {
    const token = await stack.token('population:read', { sub: 'ubnd-fragment.motcua' });
    stack.resetUpstreamCounts();
    for (const query of [
      `{ ...Lookup } fragment Lookup on Query { citizen(id: "${FIXTURES.husband}") { fullName } }`,
      `{ ... on Query { citizen(id: "${FIXTURES.husband}") { fullName } } }`,
    ]) {
      const answer = await stack.query(query, {}, { token, procedure: null, dossier: null });
      expect(codeOf(answer)).toBe('PURPOSE_REQUIRED');
      expect(answer.body.data ?? null).toBeNull();
    }
    expect(nothingFetchedAtAll()).toBe(true);
  });

  it('attack: a flood of invalid and over-limit requests meets 429s and grows the audit no further than the quota', async () => {
    const token = await stack.token('population:read', { sub: 'ubnd-flood.motcua' });
    const invalid = `{ citizen(id: "${FIXTURES.husband}") { noSuchField } }`;
    const tooDeep = `{ citizen(id: "${FIXTURES.husband}") { ${'spouse { '.repeat(14)}id${' }'.repeat(14)} } }`;
    stack.resetUpstreamCounts();
    const statuses: number[] = [];
    // 200 requests, a few at a time (the client's concurrency limit is 3).
    for (let batch = 0; batch < 100; batch++) {
      const answers = await Promise.all([
        stack.query(invalid, {}, { token }),
        stack.query(tooDeep, {}, { token }),
      ]);
      statuses.push(...answers.map((a) => a.status));
    }
    const limited = statuses.filter((s) => s === 429).length;
    expect(limited).toBeGreaterThanOrEqual(200 - FLOOD_QUOTA);
    expect(await recordsOf('ubnd-flood.motcua')).toBeLessThanOrEqual(FLOOD_QUOTA);
    expect(Object.values(stack.subgraphRequests()).every((n) => n === 0)).toBe(true);
    // A 429 says when to come back.
    const again = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: invalid }),
    });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(
      ((await again.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe('RATE_LIMITED');
  });

  it('attack: expensive operations exhaust the cost budget of their client only', async () => {
    // The budget is spent before purpose and authorization: even operations that end up denied (this
    // token cannot read citizens) pay for what they asked, so no subgraph is needed to exhaust it.
    const token = await stack.token('business:read', { sub: 'ubnd-costly.motcua' });
    const ids = Array.from({ length: 150 }, (_, i) => `0790890${String(i).padStart(5, '0')}`);
    const costly = 'query($ids: [ID!]!) { citizens(ids: $ids) { id fullName } }';
    const codes: unknown[] = [];
    for (let i = 0; i < 20 && !codes.includes('RATE_LIMITED'); i++) {
      codes.push(codeOf(await stack.query(costly, { ids }, { token })));
    }
    expect(codes.at(-1)).toBe('RATE_LIMITED');
    expect(codes.slice(0, -1).every((code) => code === 'FORBIDDEN')).toBe(true);
    // Another client's budget is its own.
    const other = await stack.token('population:read', { sub: 'ubnd-other.motcua' });
    expect((await stack.query(PROFILE, { id: FIXTURES.wife }, { token: other })).status).toBe(200);
  });

  it("attack: one client's burst is refused at its own concurrency limit while another client is served", async () => {
    const burster = await stack.token('population:read', { sub: 'ubnd-burst.motcua' });
    const bystander = await stack.token('population:read', { sub: 'ubnd-bystander.motcua' });
    // Eight at once against a 1.5 s database: at most three of them can be in flight.
    const burst = Array.from({ length: 8 }, () =>
      stack.query(PROFILE, { id: FIXTURES.husband }, { token: burster }),
    );
    const served = await stack.query(PROFILE, { id: FIXTURES.wife }, { token: bystander });
    const answers = await Promise.all(burst);
    expect(served.status).toBe(200);
    expect(served.body.errors).toBeUndefined();
    expect(served.body.data?.['citizen']).toMatchObject({ fullName: expect.any(String) });
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(5);
    for (const answer of refused) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
