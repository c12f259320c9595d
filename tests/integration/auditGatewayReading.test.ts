// Reading the audit through the gateway: auditEvents for administrators (filters, newest first, cursor
// pages), myAccessHistory for a citizen (their own data only, no officer names), the wrong scopes
// refused, and every read of the audit itself audited.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../gateway/src/audit/createAuditStore.ts';
import type { AuditEvent, AuditStore } from '../../gateway/src/audit/types.ts';
import { silentLogger } from '../../lib/logger.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { newKey } from '../support/audit/auditTestSupport.ts';
import { type Stack, startStack } from '../support/stack.ts';

const AUDIT_EVENTS = `query($filter: AuditFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id at clientId officer procedureCode dossierId subjects fields denied outcome } }
    pageInfo { hasNextPage endCursor }
  } }`;
const MY_HISTORY = `query($first: Int, $after: String) { myAccessHistory(first: $first, after: $after) {
  edges { node { id at clientId officer procedureCode dossierId subjects outcome } }
  pageInfo { hasNextPage endCursor } } }`;
const CLIENT = 'so-tuphap-cantho.motcua';
const DOSSIERS = ['H92.31-251121-1001', 'H92.31-251121-1002', 'H92.31-251121-1003'];

let dir: string;
let store: AuditStore;
let stack: Stack;
let admin: string;
let startedAt: string;

interface Connection {
  edges: { cursor: string; node: AuditEvent }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

async function auditEvents(variables: Record<string, unknown>, token = admin): Promise<Connection> {
  const answer = await stack.query(AUDIT_EVENTS, variables, { token, procedure: null, dossier: null });
  expect(answer.body.errors).toBeUndefined();
  return answer.body.data!['auditEvents'] as Connection;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-read-'));
  store = await createAuditStore({
    dataDir: join(dir, 'audit'),
    checkpointKey: await newKey('audit-gateway-reading'),
    checkpointIntervalMs: 0,
    logger: silentLogger(),
  });
  stack = await startStack({ auditStore: store });
  admin = await stack.token('audit:read', { sub: 'thanh-tra.admin', officer: 'thanh-tra-01' });
  startedAt = new Date().toISOString();
  // Three reads of the husband by one client, each for its own dossier, and one of someone else.
  for (const [i, dossier] of DOSSIERS.entries()) {
    const token = await stack.token('population:read', { sub: CLIENT, officer: `can-bo-0${i}` });
    await stack.query(
      'query($id: ID!) { citizen(id: $id) { fullName } }',
      { id: FIXTURES.husband },
      {
        token,
        dossier,
      },
    );
  }
  await stack.query(
    'query($id: ID!) { citizen(id: $id) { fullName } }',
    { id: FIXTURES.deceased },
    {
      token: await stack.token('population:read', { sub: 'ubnd-other.motcua' }),
    },
  );
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  await store?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

describe('auditEvents', () => {
  it('finds the accesses to one subject, by bare or typed identifier, newest first', async () => {
    const bare = await auditEvents({ filter: { subject: FIXTURES.husband } });
    const typed = await auditEvents({ filter: { subject: `Citizen:${FIXTURES.husband}` } });
    expect(bare.edges.map((e) => e.node.dossierId)).toEqual([...DOSSIERS].reverse());
    expect(typed.edges).toEqual(bare.edges);
    const newest = bare.edges[0]!.node;
    expect(newest).toMatchObject({
      clientId: CLIENT,
      officer: 'can-bo-02',
      procedureCode: '1.003005',
      subjects: [`Citizen:${FIXTURES.husband}`],
      fields: ['Citizen.fullName', 'Query.citizen'],
      denied: [],
      outcome: 'ok',
    });
    expect(Date.parse(newest.at)).toBeGreaterThanOrEqual(Date.parse(startedAt));
  });

  it('filters by client, officer, procedure, dossier, outcome and time', async () => {
    const byClient = await auditEvents({ filter: { clientId: CLIENT } });
    expect(byClient.edges).toHaveLength(3);
    const byOfficer = await auditEvents({ filter: { officer: 'can-bo-01' } });
    expect(byOfficer.edges.map((e) => e.node.dossierId)).toEqual([DOSSIERS[1]]);
    const byDossier = await auditEvents({ filter: { dossierId: DOSSIERS[2], procedureCode: '1.003005' } });
    expect(byDossier.edges.map((e) => e.node.officer)).toEqual(['can-bo-02']);
    const otherProcedure = await auditEvents({ filter: { clientId: CLIENT, procedureCode: '1.004222' } });
    expect(otherProcedure.edges).toEqual([]);
    const denied = await auditEvents({ filter: { clientId: CLIENT, outcome: 'denied' } });
    expect(denied.edges).toEqual([]);
    const future = await auditEvents({ filter: { clientId: CLIENT, from: '2999-01-01' } });
    expect(future.edges).toEqual([]);
    const past = await auditEvents({ filter: { clientId: CLIENT, from: startedAt, to: '2999-01-01' } });
    expect(past.edges).toHaveLength(3);
  });

  it('pages newest first with cursors, without overlap', async () => {
    const first = await auditEvents({ filter: { clientId: CLIENT }, first: 2 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await auditEvents({
      filter: { clientId: CLIENT },
      first: 2,
      after: first.pageInfo.endCursor,
    });
    expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: second.edges[0]!.cursor });
    expect([...first.edges, ...second.edges].map((e) => e.node.dossierId)).toEqual([...DOSSIERS].reverse());
  });

  it('names the bad argument of a malformed filter', async () => {
    for (const [filter, argument] of [
      [{ subject: '12345' }, 'subject'],
      [{ outcome: 'maybe' }, 'outcome'],
      [{ from: 'yesterday' }, 'from'],
    ] as const) {
      const answer = await stack.query(
        AUDIT_EVENTS,
        { filter },
        { token: admin, procedure: null, dossier: null },
      );
      expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(answer.body.errors?.[0]?.message).toContain(`"${argument}"`);
    }
  });

  it('refuses a client system token and a citizen token', async () => {
    for (const token of [
      await stack.token('population:read population:sensitive'),
      await stack.token('citizen:self', { sub: FIXTURES.husband }),
    ]) {
      const answer = await stack.query(AUDIT_EVENTS, {}, { token, procedure: null, dossier: null });
      expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      expect(answer.body.data?.['auditEvents'] ?? null).toBeNull();
    }
  });

  it('audits the reading of the audit', async () => {
    const reader = await stack.token('audit:read', {
      sub: 'thanh-tra-reader.admin',
      officer: 'thanh-tra-02',
    });
    await auditEvents({ filter: { subject: FIXTURES.husband } }, reader);
    const reads = await auditEvents({ filter: { clientId: 'thanh-tra-reader.admin' } });
    expect(reads.edges).toHaveLength(1);
    expect(reads.edges[0]!.node).toMatchObject({
      officer: 'thanh-tra-02',
      procedureCode: null,
      dossierId: null,
      outcome: 'ok',
    });
    expect(reads.edges[0]!.node.fields).toContain('Query.auditEvents');
  });
});

describe('myAccessHistory', () => {
  it('shows a citizen the accesses to their own data: which client, when, for which procedure, no officer', async () => {
    const citizen = await stack.token('citizen:self', { sub: FIXTURES.husband });
    const answer = await stack.query(
      MY_HISTORY,
      { first: 10 },
      { token: citizen, procedure: null, dossier: null },
    );
    expect(answer.body.errors).toBeUndefined();
    const nodes = (answer.body.data!['myAccessHistory'] as Connection).edges.map((e) => e.node);
    expect(nodes.map((n) => n.dossierId)).toEqual([...DOSSIERS].reverse());
    for (const node of nodes) {
      expect(node).toMatchObject({ clientId: CLIENT, officer: null, procedureCode: '1.003005' });
      expect(node.subjects).toContain(`Citizen:${FIXTURES.husband}`);
    }
    expect(answer.text).not.toContain('can-bo-0');
  });

  it("never shows another citizen's accesses", async () => {
    const other = await stack.token('citizen:self', { sub: FIXTURES.wife });
    const answer = await stack.query(MY_HISTORY, {}, { token: other, procedure: null, dossier: null });
    expect((answer.body.data!['myAccessHistory'] as Connection).edges).toEqual([]);
  });

  it('refuses an administrator token and a client system token', async () => {
    for (const token of [admin, await stack.token('population:read')]) {
      const answer = await stack.query(MY_HISTORY, {}, { token, procedure: null, dossier: null });
      expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    }
  });

  it("audits the citizen's reading too", async () => {
    const citizen = await stack.token('citizen:self', { sub: FIXTURES.children[0] });
    await stack.query(MY_HISTORY, {}, { token: citizen, procedure: null, dossier: null });
    const reads = await auditEvents({ filter: { clientId: FIXTURES.children[0] } });
    expect(reads.edges).toHaveLength(1);
    expect(reads.edges[0]!.node.fields).toContain('Query.myAccessHistory');
  });
});
