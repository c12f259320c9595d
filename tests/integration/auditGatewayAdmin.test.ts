// The admin pages over HTTP: sign-in with an audit:read token into an HttpOnly, SameSite=Strict
// cookie scoped to /admin; forged cross-site forms refused; every value escaped under a strict CSP;
// search, timeline, CSV export and chain verification; every admin read audited, fail closed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../gateway/src/admin/html.ts';
import { createAuditStore } from '../../gateway/src/audit/createAuditStore.ts';
import { AuditUnavailableError } from '../../gateway/src/audit/errors.ts';
import type { AuditStore } from '../../gateway/src/audit/types.ts';
import { silentLogger } from '../../lib/logger.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import procedures from '../../schema/procedures.json' with { type: 'json' };
import { newKey } from '../support/audit/auditTestSupport.ts';
import { ALL_READS_PROCEDURE, type Stack, startStack } from '../support/stack.ts';

let dir: string;
let store: AuditStore;
let stack: Stack;
let origin: string;
let cookie: string;
/** Switched on to make the store refuse every append, as if its database were gone. */
let appendsFail = false;

// These tests read the English pages; the Vietnamese ones (the default) are tested below and in e2e.
const ENGLISH = { 'accept-language': 'en' };
const HOSTILE_OFFICER = '<script>alert(1)</script>"=HYPERLINK(x)';

async function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${origin}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin, ...ENGLISH, ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

async function get(path: string, session = cookie, headers: Record<string, string> = ENGLISH) {
  const response = await fetch(`${origin}${path}`, {
    redirect: 'manual',
    headers: { cookie: session, ...headers },
  });
  return { response, text: await response.text() };
}

async function signIn(scope: string, sub = 'thanh-tra.admin'): Promise<Response> {
  return post('/admin/login', { token: await stack.token(scope, { sub, officer: 'thanh-tra-01' }) });
}

const csrfOf = (page: string) => /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-admin-'));
  const real = await createAuditStore({
    dataDir: join(dir, 'audit'),
    checkpointKey: await newKey('audit-admin'),
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
  for (const [i, id] of [FIXTURES.husband, FIXTURES.husband, FIXTURES.wife].entries()) {
    const token = await stack.token('population:read', {
      sub: 'ubnd-cantho.motcua',
      officer: HOSTILE_OFFICER,
    });
    await stack.query(
      'query($id: ID!) { citizen(id: $id) { fullName } }',
      { id },
      {
        token,
        dossier: `H92.31-251121-200${i}`,
      },
    );
  }
  const response = await signIn('audit:read');
  cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  await store?.[Symbol.asyncDispose]();
  await rm(dir, { recursive: true, force: true });
});

describe('signing in', () => {
  it('keeps the token in an HttpOnly, SameSite=Strict cookie scoped to /admin', async () => {
    const response = await signIn('audit:read');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/');
    const set = response.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/^lienthong_admin=[^;]+; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  });

  it('shows the sign-in form without a session, and refuses tokens that are invalid or lack audit:read', async () => {
    const anonymous = await get('/admin/', '');
    expect(anonymous.text).toContain('action="/admin/login"');
    expect(anonymous.text).not.toContain('<table');
    expect((await get('/admin/timeline?subject=092080033642', '')).response.status).toBe(303);
    expect((await post('/admin/login', { token: 'not-a-jwt' })).status).toBe(401);
    expect((await signIn('population:read')).status).toBe(403);
  });

  it('refuses a sign-in form posted from another site (login CSRF)', async () => {
    const response = await post(
      '/admin/login',
      { token: await stack.token('audit:read') },
      { origin: 'https://evil.example' },
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});

describe('attack: a session cookie holding a token without audit:read', () => {
  it('is refused on every page, each time, with nothing of the audit shown', async () => {
    // Set by hand, as an attacker can: a valid token of the right issuer, but not an administrator's.
    const reader = `lienthong_admin=${encodeURIComponent(await stack.token('population:read'))}`;
    for (const path of [
      '/admin/',
      `/admin/?subject=${FIXTURES.husband}`,
      `/admin/timeline?subject=${FIXTURES.husband}`,
      `/admin/export.csv?subject=${FIXTURES.husband}`,
    ]) {
      const { response, text } = await get(path, reader);
      expect(response.status, path).toBe(403);
      expect(text, path).not.toContain(FIXTURES.husband);
      expect(text, path).not.toContain('ubnd-cantho.motcua');
    }
    const verify = await post('/admin/verify', { csrf: 'x' }, { cookie: reader });
    expect(verify.status).toBe(403);
  });
});

describe('the pages', () => {
  it('search by subject, escaping every value under a strict CSP with no script', async () => {
    const { response, text } = await get(`/admin/?subject=${FIXTURES.husband}`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(text).not.toContain('<script');
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;=HYPERLINK(x)');
    expect(text.match(/H92\.31-251121-200[01]/g)?.length).toBe(2);
    expect(text).not.toContain('H92.31-251121-2002');
    expect(text).toContain(`/admin/timeline?subject=Citizen%3A${FIXTURES.husband}`);
    expect(text).toContain('<svg');
  });

  it('speaks Vietnamese by default: Vietnam times, procedures by name and code, fields by label', async () => {
    const { response, text } = await get(`/admin/?subject=${FIXTURES.husband}`, cookie, {});
    expect(response.status).toBe(200);
    expect(text).toContain('<html lang="vi">');
    for (const word of [
      'Tra cứu nhật ký truy cập',
      'Cán bộ',
      'Thủ tục',
      'Hồ sơ',
      'Đối tượng',
      'Trường dữ liệu',
    ])
      expect(text).toContain(word);
    expect(text).toContain('Thời gian (giờ Việt Nam)');
    expect(text).toMatch(/<time datetime="[^"]+Z">\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}<\/time>/);
    expect(text).not.toMatch(/>\d{4}-\d{2}-\d{2}T[^<]*Z</);
    const { name } = procedures.find((p) => p.code === ALL_READS_PROCEDURE)!;
    expect(text).toContain(`${escapeHtml(name)} (${ALL_READS_PROCEDURE})`);
    expect(text).toContain('<span class="field" title="Citizen.fullName">họ và tên</span>');
  });

  it('keeps English with ?lang=en and remembers it in a cookie of the admin pages', async () => {
    const { response, text } = await get('/admin/?lang=en', cookie, {});
    expect(text).toContain('<html lang="en">');
    expect(response.headers.get('set-cookie')).toBe(
      'lienthong_lang=en; Path=/admin; SameSite=Strict; Max-Age=31536000',
    );
  });

  it("shows a subject's timeline, newest first", async () => {
    const { response, text } = await get(`/admin/timeline?subject=Citizen:${FIXTURES.husband}`);
    expect(response.status).toBe(200);
    const dossiers = text.match(/H92\.31-251121-200\d/g);
    expect(dossiers).toEqual(['H92.31-251121-2001', 'H92.31-251121-2000']);
  });

  it('names the bad field of a malformed search', async () => {
    const { response, text } = await get('/admin/?from=yesterday');
    expect(response.status).toBe(400);
    expect(text).toContain('Argument &quot;from&quot; must be a day as YYYY-MM-DD');
  });

  it('exports a search as CSV, formula cells neutralised', async () => {
    const response = await fetch(`${origin}/admin/export.csv?clientId=ubnd-cantho.motcua`, {
      headers: { cookie },
    });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="audit-\d{8}T\d{6}\.csv"$/,
    );
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,clientId,officer,procedureCode,dossierId,outcome,subjects,fields,denied');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain(`"<script>alert(1)</script>""=HYPERLINK(x)"`);
    expect(lines[1]).toContain(`Citizen:${FIXTURES.wife}`);
  });

  it('verifies the chain on demand and shows the result; the form needs the session token', async () => {
    const before = await get('/admin/');
    expect(before.text).toContain('Not verified since this gateway started');
    const forged = await post('/admin/verify', { csrf: 'guess' }, { cookie });
    expect(forged.status).toBe(403);
    const crossSite = await post(
      '/admin/verify',
      { csrf: csrfOf(before.text) },
      { cookie, origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    const verified = await post('/admin/verify', { csrf: csrfOf(before.text) }, { cookie });
    expect(verified.status).toBe(303);
    const after = await get('/admin/');
    expect(after.text).toMatch(/Chain intact: \d+ records/);
  });

  it("audits every admin read, under the administrator's client id and officer", async () => {
    const reads = async () => (await store.query({ clientId: 'thanh-tra.admin' }, { first: 100 })).edges;
    const before = await reads();
    expect(before.length).toBeGreaterThanOrEqual(5);
    await get(`/admin/timeline?subject=${FIXTURES.wife}`);
    const after = await reads();
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]!.node).toMatchObject({ officer: 'thanh-tra-01', outcome: 'ok', subjects: [] });
    expect(after[0]!.node.fields).toContain('Query.auditEvents');
  });

  it('shows nothing when the read cannot be audited', async () => {
    appendsFail = true;
    try {
      const { response, text } = await get(`/admin/?subject=${FIXTURES.husband}`);
      expect(response.status).toBe(503);
      expect(text).toContain('Audit unavailable');
      expect(text).not.toContain('H92.31-251121-200');
      const csv = await fetch(`${origin}/admin/export.csv`, { headers: { cookie } });
      expect(csv.status).toBe(503);
      expect(await csv.text()).not.toContain('ubnd-cantho');
    } finally {
      appendsFail = false;
    }
  });

  it('signs out with the session token, clearing the cookie', async () => {
    const { text } = await get('/admin/');
    const response = await post('/admin/logout', { csrf: csrfOf(text) }, { cookie });
    expect(response.status).toBe(303);
    expect(response.headers.get('set-cookie')).toMatch(/^lienthong_admin=; Path=\/admin; .*Max-Age=0/);
  });
});
