// The log's proofs through the gateway: the signed checkpoint, inclusion and consistency proofs over
// HTTP (the scope they need, bad parameters refused with a clear 400), AuditEvent.inclusion in
// auditEvents and myAccessHistory, and a citizen's record checked offline with audit:verify-inclusion.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyConsistency } from '../../gateway/src/audit/merkle.ts';
import { verifyNote } from '../../gateway/src/audit/signedNote.ts';
import type { AuditEvent, RecordInclusion } from '../../gateway/src/audit/types.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { sigstoreInclusionHolds } from '../support/audit/proofContract.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { runNode } from './auditProcesses.ts';

const VERIFY_INCLUSION = 'scripts/auditVerifyInclusion.ts';
const MY_HISTORY = `{ myAccessHistory(first: 20) { edges { node {
  id at clientId officer procedureCode dossierId subjects fields denied outcome
  inclusion { leafIndex treeSize leaf hashes checkpoint } } } } }`;

type EventWithInclusion = AuditEvent & { inclusion: RecordInclusion | null };

let stack: Stack;
let dir: string;
let admin: string;

const get = (path: string, token?: string) =>
  fetch(`${stack.gateway.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

async function readCitizen(): Promise<void> {
  const answer = await stack.query('query($id: ID!) { citizen(id: $id) { fullName } }', {
    id: FIXTURES.husband,
  });
  expect(answer.status).toBe(200);
}

/** The checkpoint once it covers at least `size` records (signed every second while records arrive). */
async function checkpointCovering(size: number): Promise<{ note: string; size: number; root: Buffer }> {
  for (;;) {
    const response = await get('/audit/checkpoint');
    if (response.status === 200) {
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const note = await response.text();
      const verified = verifyNote(note, stack.gatewayJwks.keys);
      if ('reason' in verified) throw new Error(verified.reason);
      if (verified.checkpoint.size >= size) return { note, ...verified.checkpoint };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-proofs-'));
  stack = await startStack({ gatewayEnv: { AUDIT_CHECKPOINT_SECONDS: '1' } });
  admin = await stack.token('audit:read', { sub: 'thanh-tra.admin', officer: 'thanh-tra-01' });
  for (let i = 0; i < 3; i++) await readCitizen();
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('GET /audit/checkpoint', () => {
  it('is a signed note by the audit key that /.well-known/jwks.json publishes, named by its kid', async () => {
    const head = await checkpointCovering(3);
    expect(head.note).toMatch(
      /^lienthong\/audit\n\d+\n[A-Za-z0-9+/]{43}=\n\n\u2014 test-audit-key [A-Za-z0-9+/=]+\n$/,
    );
  });
});

describe('GET /audit/proof/*', () => {
  it('serves inclusion and consistency proofs that verify against the checkpoints', async () => {
    const head = await checkpointCovering(3);
    const response = await get(`/audit/proof/inclusion?index=0&size=${head.size}`, admin);
    expect(response.status).toBe(200);
    const proof = (await response.json()) as RecordInclusion;
    expect(proof).toMatchObject({ leafIndex: 0, treeSize: head.size });
    expect(sigstoreInclusionHolds(proof, head.root)).toBe(true);
    const later = await checkpointCovering(head.size + 1);
    const consistency = await get(`/audit/proof/consistency?from=${head.size}&to=${later.size}`, admin);
    const { hashes } = (await consistency.json()) as { hashes: string[] };
    const ok = verifyConsistency(
      head.size,
      later.size,
      head.root,
      later.root,
      hashes.map((h) => Buffer.from(h, 'base64')),
    );
    expect(ok).toBe(true);
  });

  it('leaves an audit record for each inclusion proof served, naming the reader and no subject', async () => {
    const head = await checkpointCovering(1);
    const reader = await stack.token('audit:read', { sub: 'thanh-tra.proofs', officer: 'thanh-tra-02' });
    expect((await get(`/audit/proof/inclusion?index=0&size=${head.size}`, reader)).status).toBe(200);
    expect((await get(`/audit/proof/consistency?from=1&to=${head.size}`, reader)).status).toBe(200);
    const answer = await stack.query(
      '{ auditEvents(filter: { clientId: "thanh-tra.proofs" }) { edges { node { officer subjects fields outcome } } } }',
      {},
      { token: admin, procedure: null, dossier: null },
    );
    const edges = (answer.body.data!['auditEvents'] as { edges: { node: AuditEvent }[] }).edges;
    expect(edges.map((e) => e.node)).toEqual([
      { officer: 'thanh-tra-02', subjects: [], fields: [], outcome: 'ok' },
    ]);
  });

  it('refuses a request without a token (401) and a token without audit:read (403)', async () => {
    expect((await get('/audit/proof/consistency?from=1&to=2')).status).toBe(401);
    const citizen = await stack.token('citizen:self', { sub: FIXTURES.husband });
    const forbidden = await get('/audit/proof/inclusion?index=0&size=1', citizen);
    expect(forbidden.status).toBe(403);
    expect(JSON.stringify(await forbidden.json())).not.toMatch(/"leaf"/);
  });

  it.each([
    ['/audit/proof/inclusion?size=1', 'index'],
    ['/audit/proof/inclusion?index=abc&size=1', 'index'],
    ['/audit/proof/inclusion?index=0&size=1e9', 'size'],
    ['/audit/proof/inclusion?index=5&size=2', 'index'],
    ['/audit/proof/inclusion?index=0&size=99999999', 'size'],
    ['/audit/proof/consistency?from=3&to=2', 'from'],
    ['/audit/proof/consistency?from=-1&to=2', 'from'],
  ])('answers %s with 400 naming "%s"', async (path, argument) => {
    const response = await get(path, admin);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('BAD_USER_INPUT');
    expect(body.error.message).toContain(`"${argument}"`);
  });
});

describe('AuditEvent.inclusion', () => {
  it("gives a citizen's record a proof that audit:verify-inclusion checks offline, and refuses it altered", async () => {
    await checkpointCovering(3);
    const citizen = await stack.token('citizen:self', { sub: FIXTURES.husband });
    const answer = await stack.query(MY_HISTORY, {}, { token: citizen, procedure: null, dossier: null });
    expect(answer.body.errors).toBeUndefined();
    const history = answer.body.data!['myAccessHistory'] as { edges: { node: EventWithInclusion }[] };
    const event = history.edges.map((e) => e.node).find((e) => e.inclusion !== null)!;
    expect(event.inclusion!.leafIndex).toBe(Number(event.id) - 1);
    // The leaf names neither the officer nor the subjects in clear.
    const leaf = Buffer.from(event.inclusion!.leaf, 'base64').toString();
    expect(leaf).not.toContain(FIXTURES.husband);
    expect(leaf).not.toContain('can-bo-07');

    const jwksFile = join(dir, 'jwks.json');
    await writeFile(jwksFile, JSON.stringify(stack.gatewayJwks));
    const eventFile = join(dir, 'event.json');
    await writeFile(eventFile, JSON.stringify(event));
    const good = await runNode([
      VERIFY_INCLUSION,
      '--event',
      eventFile,
      '--jwks',
      `${stack.gateway.url}/.well-known/jwks.json`,
    ]);
    expect(good).toMatchObject({ code: 0 });
    expect(good.stdout).toMatch(new RegExp(`^record ${event.id} is in the audit log lienthong/audit`));

    for (const altered of [
      { ...event, clientId: 'someone-else' },
      { ...event, at: '2020-01-01T00:00:00.000Z' },
      { ...event, id: String(Number(event.id) + 1) },
      {
        ...event,
        inclusion: { ...event.inclusion!, hashes: [...event.inclusion!.hashes].reverse().concat('AAAA') },
      },
    ]) {
      await writeFile(eventFile, JSON.stringify(altered));
      const bad = await runNode([VERIFY_INCLUSION, '--event', eventFile, '--jwks', jwksFile]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/^record NOT proven: /);
    }
  });

  it('is served in auditEvents too', async () => {
    await checkpointCovering(3);
    const answer = await stack.query(
      '{ auditEvents(first: 50) { edges { node { id inclusion { leafIndex treeSize } } } } }',
      {},
      { token: admin, procedure: null, dossier: null },
    );
    expect(answer.body.errors).toBeUndefined();
    const edges = (answer.body.data!['auditEvents'] as { edges: { node: EventWithInclusion }[] }).edges;
    const proven = edges.filter((e) => e.node.inclusion !== null);
    expect(proven.length).toBeGreaterThan(0);
    for (const { node } of proven) expect(node.inclusion!.leafIndex).toBe(Number(node.id) - 1);
  });
});
