// The citizen's page (/cong-dan/) over HTTP, written as the attacks it must stand: it shows a citizen
// every access to their own data and nothing else — no officer's name, no other citizen's id — and
// keeps its session as the admin pages do. A citizen's token opens no admin page, an administrator's
// token opens no citizen page, forged cross-site forms are refused, and none of it reaches a national
// database. Reading one's history is audited, and nothing is shown when it cannot be.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../gateway/src/audit/createAuditStore.ts';
import { AuditUnavailableError } from '../../gateway/src/audit/errors.ts';
import type { AuditStore } from '../../gateway/src/audit/types.ts';
import { silentLogger } from '../../lib/logger.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { newKey } from '../support/audit/auditTestSupport.ts';
import { type Stack, startStack } from '../support/stack.ts';

let dir: string;
let store: AuditStore;
let stack: Stack;
let origin: string;
/** The husband's session cookie on the citizen page. */
let cookie: string;
let appendsFail = false;

const OFFICER = 'Nguyễn Văn Cán Bộ';

async function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${origin}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin, ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

async function get(path: string, session = cookie) {
  const response = await fetch(`${origin}${path}`, { redirect: 'manual', headers: { cookie: session } });
  return { response, text: await response.text() };
}

const citizenToken = (id: string) => stack.token('citizen:self', { sub: id });
const csrfOf = (page: string) => /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
const cookieOf = (response: Response) => (response.headers.get('set-cookie') ?? '').split(';')[0]!;

/** What national databases served during `attack`: nothing, for every attack below. */
async function upstreamDuring(attack: () => Promise<void>): Promise<number> {
  stack.resetUpstreamCounts();
  await attack();
  return Object.values(stack.upstreamRequests()).reduce((a, b) => a + b, 0);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-citizen-'));
  const real = await createAuditStore({
    dataDir: join(dir, 'audit'),
    checkpointKey: await newKey('audit-citizen'),
    checkpointIntervalMs: 0,
    logger: silentLogger(),
  });
  store = {
    ...real,
    append: (record) =>
      appendsFail ? Promise.reject(new AuditUnavailableError('test outage')) : real.append(record),
    [Symbol.asyncDispose]: () => real[Symbol.asyncDispose](),
  };
  stack = await startStack({ auditStore: store });
  origin = stack.gateway.url;
  const token = await stack.token('population:read', { sub: 'ubnd-cantho.motcua', officer: OFFICER });
  // The husband read with his spouse (her id is a subject of that record), then the wife alone.
  await stack.query(
    'query($id: ID!) { citizen(id: $id) { fullName dateOfBirth permanentResidence { detail } spouse { fullName } } }',
    { id: FIXTURES.husband },
    { token, dossier: 'H92.31-251121-4001' },
  );
  await stack.query(
    'query($id: ID!) { citizen(id: $id) { fullName } }',
    { id: FIXTURES.wife },
    { token, dossier: 'H92.31-251121-4002' },
  );
  cookie = cookieOf(await post('/cong-dan/login', { token: await citizenToken(FIXTURES.husband) }));
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  await store?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

describe('a citizen signs in', () => {
  it('with a citizen:self token, kept in an HttpOnly, SameSite=Strict cookie of /cong-dan only', async () => {
    const response = await post('/cong-dan/login', { token: await citizenToken(FIXTURES.husband) });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/cong-dan/');
    expect(response.headers.get('set-cookie')).toMatch(
      /^lienthong_citizen=[^;]+; Path=\/cong-dan; HttpOnly; SameSite=Strict; Max-Age=\d+$/,
    );
  });

  it('sees the sign-in form in Vietnamese, labelled, without a session', async () => {
    const { response, text } = await get('/cong-dan/', '');
    expect(response.status).toBe(200);
    expect(text).toContain('<html lang="vi">');
    expect(text).toContain('Ai đã xem dữ liệu của tôi');
    expect(text).toContain('<label for="token">');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

describe("the citizen's history", () => {
  it('lists each access to their own data: when, which agency, procedure, dossier and kinds of data', async () => {
    const { response, text } = await get('/cong-dan/');
    expect(response.status).toBe(200);
    expect(text.match(/<li class="access/g)).toHaveLength(1);
    expect(text).toContain('ubnd-cantho.motcua');
    expect(text).toContain('H92.31-251121-4001');
    expect(text).toContain('(1.003005)');
    for (const label of ['họ và tên', 'ngày sinh', 'nơi thường trú', 'vợ hoặc chồng'])
      expect(text).toContain(`>${label}</span>`);
    expect(text).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}<\/time>/);
    expect(text).toContain('<svg');
  });

  it("never shows an officer's name or another citizen's id, even one read in the same request", async () => {
    const { text } = await get('/cong-dan/');
    expect(text).not.toContain(OFFICER);
    expect(text).not.toContain(FIXTURES.wife);
    expect(text).not.toContain('H92.31-251121-4002');
  });

  it("the wife's page shows her own accesses, never her husband's id", async () => {
    const session = cookieOf(await post('/cong-dan/login', { token: await citizenToken(FIXTURES.wife) }));
    const { text } = await get('/cong-dan/', session);
    expect(text.match(/<li class="access/g)).toHaveLength(2);
    expect(text).toContain('H92.31-251121-4002');
    expect(text).not.toContain(FIXTURES.husband.slice(3));
    expect(text).not.toContain(OFFICER);
  });

  it('is audited under the citizen, and shows nothing when the read cannot be audited', async () => {
    const reads = async () => (await store.query({ clientId: FIXTURES.husband }, { first: 100 })).edges;
    const before = await reads();
    await get('/cong-dan/');
    const after = await reads();
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]!.node).toMatchObject({ officer: null, outcome: 'ok', subjects: [] });
    expect(after[0]!.node.fields).toContain('Query.myAccessHistory');
    appendsFail = true;
    try {
      const { response, text } = await get('/cong-dan/');
      expect(response.status).toBe(503);
      expect(text).not.toContain('H92.31-251121-4001');
    } finally {
      appendsFail = false;
    }
  });

  it('answers a malformed page link with a coded message, not a 500', async () => {
    const { response, text } = await get('/cong-dan/?after=%00garbage');
    expect(response.status).toBe(400);
    expect(text).toContain('không hợp lệ');
  });
});

describe('attacks across the two pages', () => {
  it("an administrator's audit:read token cannot open the citizen page", async () => {
    const adminToken = await stack.token('audit:read', { sub: 'thanh-tra.admin' });
    const served = await upstreamDuring(async () => {
      const signIn = await post('/cong-dan/login', { token: adminToken });
      expect(signIn.status).toBe(403);
      expect(signIn.headers.get('set-cookie')).toBeNull();
      // Nor by planting it in the citizen cookie by hand.
      const planted = await get('/cong-dan/', `lienthong_citizen=${adminToken}`);
      expect(planted.response.status).toBe(403);
      expect(planted.text).not.toContain('H92.31-251121-400');
    });
    expect(served).toBe(0);
  });

  it("a citizen's token cannot open the admin pages", async () => {
    const token = await citizenToken(FIXTURES.husband);
    const served = await upstreamDuring(async () => {
      const signIn = await post('/admin/login', { token });
      expect(signIn.status).toBe(403);
      expect(signIn.headers.get('set-cookie')).toBeNull();
      const planted = await get(`/admin/?subject=${FIXTURES.wife}`, `lienthong_admin=${token}`);
      expect(planted.response.status).toBe(403);
      expect(planted.text).not.toContain('H92.31-251121-400');
      expect(planted.text).not.toContain('<table');
    });
    expect(served).toBe(0);
  });

  it('a mangled session cookie gets the sign-in form, never a 500', async () => {
    for (const path of ['/cong-dan/', '/admin/']) {
      const name = path === '/admin/' ? 'lienthong_admin' : 'lienthong_citizen';
      const { response, text } = await get(path, `${name}=%E0%A4%A`);
      expect(response.status).toBe(200);
      expect(text).toContain('name="token"');
    }
  });

  it('a sign-in form posted from another site is refused (login CSRF)', async () => {
    const response = await post(
      '/cong-dan/login',
      { token: await citizenToken(FIXTURES.wife) },
      { origin: 'https://evil.example' },
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('a forged sign-out without the form token is refused; the real one clears the cookie', async () => {
    expect((await post('/cong-dan/logout', { csrf: 'guess' }, { cookie })).status).toBe(403);
    const { text } = await get('/cong-dan/');
    const response = await post('/cong-dan/logout', { csrf: csrfOf(text) }, { cookie });
    expect(response.status).toBe(303);
    expect(response.headers.get('set-cookie')).toMatch(/^lienthong_citizen=; Path=\/cong-dan; .*Max-Age=0/);
  });
});
