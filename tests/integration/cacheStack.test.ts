// The Redis cache end to end: the whole stack through the gateway on the machine's Redis, under a
// random key prefix. Counts, not times: upstream requests (the mocks' counters), Redis keys, statuses.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../gateway/src/audit/createAuditStore.ts';
import type { AuditStore } from '../../gateway/src/audit/types.ts';
import { readGatewayConfig } from '../../gateway/src/config.ts';
import { createGateway, type RunningGateway } from '../../gateway/src/createGateway.ts';
import { signInternalToken } from '../../lib/internalToken.ts';
import { generateSigningJwk, signingKeyFromJwk } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';
import { SOURCES } from '../../lib/topology.ts';
import { serialsOfCitizen } from '../../mocks/data/landHolders.ts';
import { decodePerson } from '../../mocks/data/person.ts';
import { sampleCitizenIds } from '../../mocks/data/samples.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack } from '../support/stack.ts';
import {
  execFileAsync,
  randomPrefix,
  SHARED_REDIS_URL,
  sharedRedis,
  type TestRedis,
} from './cacheRedisHelpers.ts';

const ALL_READS = 'population:read business:read insurance:read land:read results:read';
const SENSITIVE_PROCEDURE = '1.999001';
const PROFILE = `query($id: ID!) { citizen(id: $id) { id fullName dateOfBirth spouse { id }
  socialInsurance { code } enterprises { code legalRepresentative { id } }
  landCertificates { serial } issuedResults { code } } }`;

let stack: Stack;
let redis: TestRedis;
let dir: string;
let token: string;
// One audit store (one embedded database) for every gateway of this file: opening one is the slow part.
let auditStore: AuditStore;
const extraGateways: RunningGateway[] = [];

beforeAll(async () => {
  redis = await sharedRedis(randomPrefix());
  dir = await mkdtemp(join(tmpdir(), 'lienthong-cache-stack-'));
  // A procedure entitled to the sensitive fields, which the shipped registry grants to none.
  const registry = JSON.parse(
    await readFile(new URL('../../schema/procedures.json', import.meta.url), 'utf8'),
  );
  registry.push({
    code: SENSITIVE_PROCEDURE,
    name: 'Thủ tục thử nghiệm (dữ liệu nhạy cảm)',
    level: 'province',
    source: 'test fixture, not in the national catalogue',
    confirmed: false,
    scopes: ['population:read', 'population:sensitive'],
    fields: ['Query.citizen', 'Citizen.*', 'Address.*', 'Provenance.*'],
  });
  await writeFile(join(dir, 'procedures.json'), JSON.stringify(registry));
  auditStore = await createAuditStore({
    dataDir: join(dir, 'audit'),
    checkpointKey: await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'cache-stack-audit')),
    logger: silentLogger(),
  });
  stack = await startStack({
    auditStore,
    redisUrl: SHARED_REDIS_URL,
    redisKeyPrefix: redis.prefix,
    // In-process copies outlive the stampede below even on a loaded machine, where a Redis call may miss
    // its deadline: coalescing within a process must not depend on Redis answering in time.
    cacheEnv: { CACHE_LOCAL_TTL_MS: '30000' },
    gatewayEnv: {
      PROCEDURES_FILE: join(dir, 'procedures.json'),
      RATE_LIMIT_CLIENTS: 'ubnd-quota.motcua=3/1,ubnd-shared.motcua=3/0.1',
      // The stampede below sends 200 requests of one client at once.
      CLIENT_MAX_CONCURRENT_REQUESTS: '200',
    },
  });
  token = await stack.token(ALL_READS);
});

afterAll(async () => {
  for (const gateway of extraGateways) await gateway.close();
  await stack?.[Symbol.asyncDispose]();
  await auditStore?.[Symbol.asyncDispose]();
  await redis?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Another gateway replica over the same subgraphs, Redis and audit store. */
let replica: Promise<RunningGateway> | undefined;
const plainReplica = () => {
  replica ??= secondGateway();
  return replica;
};

async function secondGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
  const gateway = await createGateway({
    config: readGatewayConfig({ ...stack.gatewayEnv, ...env }),
    auditStore,
    cache: stack.cacheConfig,
    logger: silentLogger(),
    subgraphUrls: Object.fromEntries(SOURCES.map((s) => [s, stack.subgraphs[s].url])),
  });
  extraGateways.push(gateway);
  return gateway;
}

async function post(url: string, body: unknown, bearer: string, purpose = true) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${bearer}`,
      ...(purpose ? { 'x-procedure-code': '1.003005', 'x-dossier-id': 'H92.31-251121-0042' } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('the record cache through the gateway', () => {
  it('serves a warm profile query with zero upstream requests', async () => {
    stack.resetUpstreamCounts();
    const cold = await stack.query(PROFILE, { id: FIXTURES.husband }, { token });
    expect(cold.body.errors).toBeUndefined();
    expect(total(stack.upstreamRequests())).toBeGreaterThan(0);

    stack.resetUpstreamCounts();
    const warm = await stack.query(PROFILE, { id: FIXTURES.husband }, { token });
    expect(warm.body).toEqual(cold.body);
    expect(stack.upstreamRequests()).toEqual({
      population: 0,
      business: 0,
      insurance: 0,
      land: 0,
      results: 0,
    });
  });

  it('gives two clients with different scopes different fields of the same cached record', async () => {
    const id = sampleCitizenIds(1, 'cache-stack-scopes')[0] as string;
    const q = 'query($id: ID!) { citizen(id: $id) { fullName religion } }';
    const sensitive = await stack.token('population:read population:sensitive', { sub: 'bo-cong-an.c06' });
    stack.resetUpstreamCounts();
    const a = await stack.query(q, { id }, { token: sensitive, procedure: SENSITIVE_PROCEDURE });
    expect(stack.upstreamRequests().population).toBe(1);
    const b = await stack.query(q, { id }, { token: await stack.token('population:read') });
    expect(stack.upstreamRequests().population).toBe(1);

    const [citizenA, citizenB] = [a.body.data?.['citizen'] as any, b.body.data?.['citizen'] as any];
    expect(citizenA.fullName).toBe(citizenB.fullName);
    expect(typeof citizenA.religion).toBe('string');
    expect(a.body.errors).toBeUndefined();
    expect(citizenB.religion).toBeNull();
    expect(b.body.errors?.map((e) => [e.extensions?.['code'], e.path])).toEqual([
      ['FORBIDDEN', ['citizen', 'religion']],
    ]);
  });

  it('keeps no plaintext personal data in Redis: a raw dump shows no name, date of birth or id', async () => {
    const answer = await stack.query(PROFILE, { id: FIXTURES.husband }, { token });
    const citizen = answer.body.data?.['citizen'] as { fullName: string; dateOfBirth: string };
    const { stdout: keyList } = await execFileAsync('redis-cli', ['--scan', '--pattern', `${redis.prefix}*`]);
    const keys = keyList.split('\n').filter(Boolean);
    expect(keys.some((k) => k.includes('rc:{population:cong-dan:'))).toBe(true);
    const dump = await execFileAsync(
      'redis-cli',
      ['--raw', 'MGET', ...keys.filter((k) => k.includes('rc:'))],
      {
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const raw = Buffer.concat([Buffer.from(keys.join('\n')), dump.stdout as unknown as Buffer]);
    expect(raw.length).toBeGreaterThan(1000);
    for (const secret of [citizen.fullName, citizen.dateOfBirth, FIXTURES.husband, FIXTURES.enterprise]) {
      expect(raw.includes(Buffer.from(secret, 'utf8'))).toBe(false);
    }
  });

  it('answers 200 concurrent requests for one cold citizen with one upstream request per source and level', async () => {
    // A land holder: land answers in two levels (the citizen's serials, then the certificates).
    const id = sampleCitizenIds(50, 'cache-stack-stampede').find(
      (candidate) => serialsOfCitizen(decodePerson(candidate)!).length > 0,
    )!;
    const q =
      'query($id: ID!) { citizen(id: $id) { fullName socialInsurance { code } landCertificates { serial } } }';
    stack.resetUpstreamCounts();
    const answers = await Promise.all(Array.from({ length: 200 }, () => stack.query(q, { id }, { token })));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((a) => JSON.stringify(a.body.data))).size).toBe(1);
    const counts = stack.upstreamRequests();
    expect(counts.population).toBe(1);
    expect(counts.insurance).toBe(1);
    expect(counts.land).toBe(2);
    expect(answers[0]!.body.data?.['citizen']).toMatchObject({
      landCertificates: [{ serial: expect.any(String) }],
    });
  });
});

describe('on-demand eviction', () => {
  const EVICT =
    'mutation($s: ID!) { evictCachedRecords(subject: $s) { subject evictedSources failedSources keys complete } }';

  it('evicts a subject in every source for cache:evict, audited, and the next read goes upstream', async () => {
    await stack.query(PROFILE, { id: FIXTURES.husband }, { token });
    const operator = await stack.token('cache:evict', { sub: 'vnpt.van-hanh', officer: 'op-07' });
    const answer = await stack.query(
      EVICT,
      { s: FIXTURES.husband },
      { token: operator, procedure: null, dossier: null },
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.['evictCachedRecords']).toEqual({
      subject: FIXTURES.husband,
      evictedSources: [...SOURCES].sort(),
      failedSources: [],
      keys: 6,
      complete: true,
    });
    stack.resetUpstreamCounts();
    await stack.query(PROFILE, { id: FIXTURES.husband }, { token });
    const counts = stack.upstreamRequests();
    expect(counts.population).toBeGreaterThan(0);
    expect(counts.insurance).toBe(1);

    const auditor = await stack.token('audit:read', { sub: 'thanh-tra.bo' });
    const events = await stack.query(
      '{ auditEvents(filter: { clientId: "vnpt.van-hanh" }, first: 5) { edges { node { officer fields outcome } } } }',
      undefined,
      { token: auditor, procedure: null, dossier: null },
    );
    const nodes = (events.body.data!['auditEvents'] as any).edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({ officer: 'op-07', outcome: 'ok' });
    expect(nodes[0].fields).toContain('Mutation.evictCachedRecords');
  });

  it('refuses the mutation without cache:evict, and a malformed subject without echoing it', async () => {
    const refused = await stack.query(EVICT, { s: FIXTURES.husband }, { token });
    expect(refused.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const operator = await stack.token('cache:evict');
    const malformed = await stack.query(
      EVICT,
      { s: '*' },
      { token: operator, procedure: null, dossier: null },
    );
    expect(malformed.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('attack: calling a subgraph’s /admin/evict directly, without a token or without cache:evict', async () => {
    const url = `${stack.subgraphs.population.baseUrl}/admin/evict`;
    const body = JSON.stringify({ subject: FIXTURES.husband });
    const headers = { 'content-type': 'application/json' };
    expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(401);
    const reader = await signInternalToken(
      stack.internalKey,
      { clientId: 'ubnd-cantho.motcua', scopes: ['population:read'], requestId: 'attack-1' },
      'population',
    );
    const asReader = await fetch(url, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${reader}` },
      body,
    });
    expect(asReader.status).toBe(403);
  });
});

describe('rate limiting', () => {
  it('answers 429 RATE_LIMITED with Retry-After once the quota is spent, other clients unaffected, then resets', async () => {
    const limited = await stack.token('population:read', { sub: 'ubnd-quota.motcua' });
    const q = 'query($id: ID!) { citizen(id: $id) { fullName } }';
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await stack.query(q, { id: FIXTURES.wife }, { token: limited }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    const refused = answers[3]!;
    expect(refused.body.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body.data).toBeUndefined();
    expect((await stack.query(q, { id: FIXTURES.wife }, { token })).status).toBe(200);

    // The bucket refills at 1/s: poll (bounded) until the client is let through again.
    let status = 429;
    for (let i = 0; i < 40 && status === 429; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await stack.query(q, { id: FIXTURES.wife }, { token: limited })).status;
    }
    expect(status).toBe(200);
  });

  it('shares the quota between gateway replicas through Redis', async () => {
    const other = await plainReplica();
    // 3 requests, refilled at one per 10 s: the six below fall well within one refill.
    const shared = await stack.token('population:read', { sub: 'ubnd-shared.motcua' });
    const body = {
      query: 'query($id: ID!) { citizen(id: $id) { fullName } }',
      variables: { id: FIXTURES.wife },
    };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await post(i % 2 ? other.url : stack.gateway.url, body, shared)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    const ready = (await (await fetch(`${other.url}/readyz`)).json()) as any;
    expect(ready.checks.rateLimit).toEqual({ ok: true, detail: 'redis' });
    expect(ready.checks.persistedQueries).toEqual({ ok: true, detail: 'redis' });
  });
});

describe('persisted queries', () => {
  const text = 'query Apq($id: ID!) { citizen(id: $id) { fullName } }';
  const sha256Hash = createHash('sha256').update(text).digest('hex');
  const extensions = { persistedQuery: { version: 1, sha256Hash } };

  it('registers a query through one replica and serves its hash alone through another', async () => {
    const other = await plainReplica();
    const unknown = await post(other.url, { extensions, variables: { id: FIXTURES.wife } }, token);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(
      stack.gateway.url,
      { query: text, extensions, variables: { id: FIXTURES.wife } },
      token,
    );
    expect(registered.body.errors).toBeUndefined();
    const byHash = await post(other.url, { extensions, variables: { id: FIXTURES.wife } }, token);
    expect(byHash.status).toBe(200);
    expect(byHash.body.data).toEqual(registered.body.data);
  });

  it('attack: a hash registered by one client answers another client exactly as an unknown hash', async () => {
    // "Was this citizen looked up today?": client A's query names a citizen; client B guesses its hash.
    const probe = `{ citizen(id: "${FIXTURES.wife}") { fullName } }`;
    const probeHash = createHash('sha256').update(probe).digest('hex');
    const reference = (hash: string) => ({
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
    });
    const clientA = await stack.token('population:read', { sub: 'ubnd-apq-a.motcua' });
    const clientB = await stack.token('population:read', { sub: 'ubnd-apq-b.motcua' });
    const registered = await post(stack.gateway.url, { query: probe, ...reference(probeHash) }, clientA);
    expect(registered.body.data?.citizen?.fullName).toEqual(expect.any(String));
    expect((await post(stack.gateway.url, reference(probeHash), clientA)).body.data).toEqual(
      registered.body.data,
    );

    stack.resetUpstreamCounts();
    const guessed = await post(stack.gateway.url, reference(probeHash), clientB);
    const neverSeen = await post(stack.gateway.url, reference('0'.repeat(64)), clientB);
    expect(guessed).toEqual(neverSeen);
    expect(guessed.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(guessed.body.data).toBeUndefined();
    expect(Object.values(stack.upstreamRequests()).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('attack: a Redis dump shows no query text, identifier, client or hash of a persisted query', async () => {
    const secret = `{ citizen(id: "${FIXTURES.husband}") { fullName dateOfBirth } }`;
    const secretHash = createHash('sha256').update(secret).digest('hex');
    const registered = await post(
      stack.gateway.url,
      { query: secret, extensions: { persistedQuery: { version: 1, sha256Hash: secretHash } } },
      token,
    );
    expect(registered.status).toBe(200);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.client.scan(cursor, 'MATCH', `${redis.prefix}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    expect(keys.length).toBeGreaterThan(0);
    const dump = [];
    for (const key of keys) {
      const bare = key.slice(redis.prefix.length);
      const type = await redis.client.type(bare);
      dump.push(
        key,
        type === 'string' ? ((await redis.client.getBuffer(bare))?.toString('latin1') ?? '') : '',
      );
    }
    const text = dump.join('\n');
    for (const needle of [FIXTURES.husband, secretHash, 'dateOfBirth', 'ubnd-hanoi', 'citizen(']) {
      expect(text).not.toContain(needle);
    }
  });

  it('answers APQ protocol errors with their own codes and a 400, never an internal error', async () => {
    const wrongVersion = await post(
      stack.gateway.url,
      { query: text, extensions: { persistedQuery: { version: 2, sha256Hash } } },
      token,
    );
    expect(wrongVersion).toMatchObject({ status: 400 });
    expect(wrongVersion.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
    const mismatch = await post(
      stack.gateway.url,
      { query: text, extensions: { persistedQuery: { version: 1, sha256Hash: '1'.repeat(64) } } },
      token,
    );
    expect(mismatch).toMatchObject({ status: 400 });
    expect(mismatch.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('with PERSISTED_QUERIES_ONLY accepts the safelist only, by hash or by text, and registers nothing', async () => {
    const file = join(dir, 'safelist.json');
    await writeFile(file, JSON.stringify({ [sha256Hash]: text }));
    const safe = await secondGateway({ PERSISTED_QUERIES_ONLY: '1', PERSISTED_QUERIES_FILE: file });
    const byHash = await post(safe.url, { extensions, variables: { id: FIXTURES.wife } }, token);
    expect(byHash.body).toMatchObject({ data: { citizen: { fullName: expect.any(String) } } });
    const byText = await post(safe.url, { query: text, variables: { id: FIXTURES.wife } }, token);
    expect(byText.body.data).toEqual(byHash.body.data);

    const other = '{ citizen(id: "092183033642") { fullName dateOfBirth } }';
    const refused = await post(safe.url, { query: other }, token);
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherHash = createHash('sha256').update(other).digest('hex');
    const register = { query: other, extensions: { persistedQuery: { version: 1, sha256Hash: otherHash } } };
    expect((await post(safe.url, register, token)).status).toBe(403);
    const again = await post(safe.url, { extensions: register.extensions }, token);
    expect(again.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});
