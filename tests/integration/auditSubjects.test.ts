// The audit names every subject whose data was served, whatever the client's scopes (DESIGN.md
// "Quality bars"). Subjects come from what crossed the gateway — the entities sent to subgraphs and
// those their responses report — never from what the client selected. Attacked through the doors an
// outside review found (a client that may not read Citizen.id reaching citizens' data through
// enterprises, land holders, owners, result subjects and employers; verification; eviction), then by a
// property test over the real supergraph: random operations under random scope sets.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../gateway/src/audit/createAuditStore.ts';
import type { AuditStore } from '../../gateway/src/audit/types.ts';
import { generateSigningJwk, signingKeyFromJwk } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Answer, type QueryOptions, type Stack, startStack } from '../support/stack.ts';
import { apiSchemaOf } from '../support/testSupergraph.ts';

const READ_SCOPES = ['population:read', 'business:read', 'insurance:read', 'land:read', 'results:read'];
/** The key field of each entity type of the supergraph. */
const ENTITY_KEYS: Readonly<Record<string, string>> = {
  Citizen: 'id',
  Enterprise: 'code',
  LandCertificate: 'serial',
  IssuedResult: 'code',
};

let dir: string;
let store: AuditStore;
let stack: Stack;
let schema: GraphQLSchema;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-subjects-'));
  store = await createAuditStore({
    dataDir: join(dir, 'audit'),
    checkpointKey: await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'subjects-audit')),
    logger: silentLogger(),
  });
  stack = await startStack({ auditStore: store, countSubgraphRequests: true });
  schema = await apiSchemaOf(
    await readFile(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'),
  );
});

afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  await store?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

/** Sends one request under a fresh request id; returns the answer and the subjects of its one record. */
async function audited(
  query: string,
  variables: Record<string, unknown>,
  options: QueryOptions,
): Promise<{ answer: Answer; subjects: readonly string[] }> {
  const answer = await stack.query(query, variables, options);
  // The gateway's own request id, which the record carries.
  const requestId = answer.headers.get('x-request-id');
  const subjects: string[][] = [];
  for await (const record of store.exportRange(new Date(0), new Date(Date.now() + 60_000)))
    if (record.requestId === requestId) subjects.push([...record.subjects]);
  expect(subjects).toHaveLength(1);
  return { answer, subjects: subjects[0] ?? [] };
}

describe('attack: reaching citizens without population:read leaves them in the audit all the same', () => {
  it("an enterprise's legal representative's insurance, read with business:read and insurance:read", async () => {
    const token = await stack.token('business:read insurance:read');
    const { answer, subjects } = await audited(
      `{ enterprise(code: "${FIXTURES.enterprise}") { name legalRepresentative { socialInsurance { code } } } }`,
      {},
      { token },
    );
    expect(answer.body.data?.['enterprise']).toMatchObject({
      legalRepresentative: { socialInsurance: { code: expect.any(String) } },
    });
    expect(subjects).toEqual(
      expect.arrayContaining([`Enterprise:${FIXTURES.enterprise}`, `Citizen:${FIXTURES.husband}`]),
    );
  });

  it("a land certificate's holders' insurance, read with land:read and insurance:read", async () => {
    const token = await stack.token('land:read insurance:read');
    const { subjects } = await audited(
      `{ landCertificate(serial: "${FIXTURES.landSerial}") { holders { citizen { socialInsurance { code } } } } }`,
      {},
      { token },
    );
    expect(subjects).toEqual(
      expect.arrayContaining([
        `LandCertificate:${FIXTURES.landSerial}`,
        `Citizen:${FIXTURES.husband}`,
        `Citizen:${FIXTURES.wife}`,
      ]),
    );
  });

  it("an enterprise's owners, read with business:read only", async () => {
    const token = await stack.token('business:read insurance:read');
    const { answer, subjects } = await audited(
      `{ enterprise(code: "${FIXTURES.enterprise}") { owners { capitalShare citizen { socialInsurance { code } } } } }`,
      {},
      { token },
    );
    const enterprise = answer.body.data?.['enterprise'] as { owners: { citizen: unknown }[] } | undefined;
    const owners = enterprise?.owners ?? [];
    expect(owners.length).toBeGreaterThan(0);
    const ownerCitizens = subjects.filter((s) => s.startsWith('Citizen:'));
    expect(ownerCitizens.length).toBeGreaterThanOrEqual(owners.filter((o) => o.citizen !== null).length);
  });

  it("a result's subject citizen, read with results:read and insurance:read", async () => {
    const token = await stack.token('results:read insurance:read');
    const { subjects } = await audited(
      `{ issuedResult(code: "${FIXTURES.landResult}") { title subject { citizen { socialInsurance { code } } } } }`,
      {},
      { token },
    );
    expect(subjects).toEqual(
      expect.arrayContaining([`IssuedResult:${FIXTURES.landResult}`, `Citizen:${FIXTURES.husband}`]),
    );
  });

  it("a contribution period's employer, read with insurance:read and business:read", async () => {
    const token = await stack.token('population:read insurance:read business:read');
    const { answer, subjects } = await audited(
      `{ citizen(id: "${FIXTURES.husband}") { socialInsurance { contributionPeriods { employer { name } } } } }`,
      {},
      { token },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(subjects).toEqual(
      expect.arrayContaining([`Citizen:${FIXTURES.husband}`, `Enterprise:${FIXTURES.employer}`]),
    );
  });

  it('an attestation verified: the result and its subject are named', async () => {
    const reader = await stack.token('results:read');
    const attestation = (
      await stack.query(
        `{ issuedResult(code: "${FIXTURES.landResult}") { attestation } }`,
        {},
        { token: reader },
      )
    ).body.data?.['issuedResult'] as { attestation: string };
    const { answer, subjects } = await audited(
      'query($a: String!) { verifyIssuedResult(attestation: $a) { valid claims { subjectId } } }',
      { a: attestation.attestation },
      { token: reader },
    );
    expect(answer.body.data?.['verifyIssuedResult']).toMatchObject({ valid: true });
    expect(subjects).toEqual(
      expect.arrayContaining([`IssuedResult:${FIXTURES.landResult}`, `Citizen:${FIXTURES.husband}`]),
    );
  });

  it("an operator's eviction names the subject whose records were evicted", async () => {
    const operator = await stack.token('cache:evict', { sub: 'vnpt.van-hanh' });
    const { subjects } = await audited(
      'mutation($s: ID!) { evictCachedRecords(subject: $s) { complete } }',
      { s: FIXTURES.wife },
      { token: operator, procedure: null, dossier: null },
    );
    expect(subjects).toEqual([`Citizen:${FIXTURES.wife}`]);
  });
});

const ROOTS = [
  { field: `citizen(id: "${FIXTURES.husband}")`, type: 'Citizen' },
  { field: `citizens(ids: ["${FIXTURES.wife}", "${FIXTURES.children[0]}"])`, type: 'Citizen' },
  { field: `enterprise(code: "${FIXTURES.enterprise}")`, type: 'Enterprise' },
  { field: `landCertificate(serial: "${FIXTURES.landSerial}")`, type: 'LandCertificate' },
  { field: `issuedResult(code: "${FIXTURES.landResult}")`, type: 'IssuedResult' },
] as const;

/** Every entity object in `restricted` with non-key data, named by the object at the same path in `keyed`. */
function servedEntities(restricted: unknown, keyed: unknown, typeName: string, out: Set<string>): void {
  if (Array.isArray(restricted)) {
    for (const [i, item] of restricted.entries()) {
      servedEntities(item, Array.isArray(keyed) ? keyed[i] : undefined, typeName, out);
    }
    return;
  }
  if (restricted === null || typeof restricted !== 'object' || keyed === null || typeof keyed !== 'object')
    return;
  const object = restricted as Record<string, unknown>;
  const named = keyed as Record<string, unknown>;
  const type = schema.getType(typeName);
  if (!isObjectType(type)) return;
  const keyField = ENTITY_KEYS[typeName];
  const hasData = Object.entries(object).some(
    ([field, value]) => field !== keyField && field !== '__typename' && value !== null,
  );
  if (keyField && hasData && typeof named['oracleKey'] === 'string')
    out.add(`${typeName}:${named['oracleKey']}`);
  for (const [field, value] of Object.entries(object)) {
    const child = type.getFields()[field];
    if (child) servedEntities(value, named[field], getNamedType(child.type).name, out);
  }
}

describe("attack: a citizen's access history reveals nobody else", () => {
  it('a batch lookup of a family tells each member nothing of the others, nor the officer', async () => {
    const officer = await stack.token('population:read', {
      sub: 'ubnd-history.motcua',
      officer: 'Trần Văn Kiểm',
    });
    const family = [FIXTURES.husband, FIXTURES.wife, ...FIXTURES.children];
    const { subjects } = await audited(
      'query($ids: [ID!]!) { citizens(ids: $ids) { fullName } }',
      { ids: family },
      { token: officer },
    );
    expect(subjects).toEqual(expect.arrayContaining(family.map((id) => `Citizen:${id}`)));

    const wife = await stack.token('citizen:self', { sub: FIXTURES.wife });
    const history = await stack.query(
      '{ myAccessHistory(first: 50) { edges { node { clientId officer subjects fields } } } }',
      {},
      { token: wife, procedure: null, dossier: null },
    );
    const page = history.body.data?.['myAccessHistory'] as
      | { edges: { node: Record<string, unknown> }[] }
      | undefined;
    const edges = page?.edges ?? [];
    expect(edges.some((edge) => edge.node['clientId'] === 'ubnd-history.motcua')).toBe(true);
    for (const { node } of edges) {
      expect(node['subjects']).toEqual([`Citizen:${FIXTURES.wife}`]);
      expect(node['officer']).toBeNull();
    }
    for (const other of [FIXTURES.husband, ...FIXTURES.children, 'Trần Văn Kiểm']) {
      expect(history.text).not.toContain(other);
    }
  });
});

describe('property: every entity whose data a response carries is a subject of its record', () => {
  it('holds for random operations under random scope sets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.subarray(READ_SCOPES, { minLength: 1 }),
        async (seed, scopes) => {
          const root = ROOTS[seed % ROOTS.length]!;
          const rootType = schema.getType(root.type) as GraphQLObjectType;
          const build = (keys: boolean) => {
            const random = prng(seed);
            return `{ ${root.field} { ${selectionWithKeys(rootType, 3, random, keys)} } }`;
          };
          const restricted = build(false);
          const keyed = build(true);
          const token = await stack.token(scopes.join(' '), { sub: 'ubnd-property.motcua' });
          const { answer, subjects } = await audited(restricted, {}, { token });
          const oracle = await stack.query(
            keyed,
            {},
            { token: await stack.token(READ_SCOPES.join(' '), { sub: 'oracle.motcua' }) },
          );
          const rootKey = Object.keys(answer.body.data ?? {})[0];
          const expected = new Set<string>();
          if (rootKey) {
            servedEntities(answer.body.data?.[rootKey], oracle.body.data?.[rootKey], root.type, expected);
          }
          for (const subject of expected)
            expect(subjects, `${restricted} under ${scopes.join(' ')}`).toContain(subject);
        },
      ),
      { numRuns: 25, seed: 20261201 },
    );
  });
});

/** `selectionOf`, optionally with `oracleKey` on every entity selection; same stream, same shape. */
function selectionWithKeys(
  type: GraphQLObjectType,
  depth: number,
  random: () => number,
  keys: boolean,
): string {
  const fields = Object.values(type.getFields()).filter(
    (f) => !f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined),
  );
  const picked = fields.filter(() => random() < 0.35);
  const parts: string[] = [];
  for (const field of picked.length > 0 ? picked : fields.slice(0, 1)) {
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (isObjectType(named) && depth > 0)
      parts.push(`${field.name} { ${selectionWithKeys(named, depth - 1, random, keys)} }`);
  }
  const keyField = ENTITY_KEYS[type.name];
  if (keys && keyField) parts.push(`oracleKey: ${keyField}`);
  return parts.length > 0 ? parts.join(' ') : '__typename';
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
