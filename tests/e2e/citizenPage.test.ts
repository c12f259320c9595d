// The citizen's page (/cong-dan/, "Ai đã xem dữ liệu của tôi") in a real headless Chromium on a
// 360-pixel phone: sign in with the citizen:self token by keyboard alone, read every access to one's
// own data in plain Vietnamese with its chart, and see no other citizen's id and no officer's name.
// A citizen's token is refused by the admin sign-in, an administrator's by the citizen's. Each access
// carries its "verified in the log" mark; the client systems are named from the client registry.
// The store checkpoints every 3 records (no timer), so which records a checkpoint covers is fixed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAuditStore } from '../../gateway/src/audit/createAuditStore.ts';
import type { AuditStore } from '../../gateway/src/audit/types.ts';
import { generateSigningJwk, signingKeyFromJwk } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { launchChromium, platformFonts, screenshot } from '../support/browser.ts';
import { type Stack, startStack } from '../support/stack.ts';

const OFFICER = 'Trần Thị Cán Bộ';
const CIVIL_STATUS = 'Sở Tư pháp Cần Thơ (một cửa)';
const INSURANCE = 'Bảo hiểm xã hội Cần Thơ (một cửa)';
let dir: string;
let store: AuditStore;
let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const foreignRequests: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-citizen-e2e-'));
  // The gateway publishes this audit key; its store signs a checkpoint every 3 records.
  const auditJwk = await generateSigningJwk('EdDSA', 'citizen-e2e-audit');
  const auditKeyFile = join(dir, 'audit.jwk.json');
  await writeFile(auditKeyFile, JSON.stringify(auditJwk));
  store = await createAuditStore({
    dataDir: join(dir, 'audit'),
    checkpointKey: await signingKeyFromJwk(auditJwk),
    checkpointEvery: 3,
    checkpointIntervalMs: 0,
    logger: silentLogger(),
  });
  const clientsFile = join(dir, 'clients.json');
  const client = (clientId: string, name: string, procedure: string) => ({
    clientId,
    name,
    agencies: [],
    levels: [],
    procedures: [procedure],
  });
  await writeFile(
    clientsFile,
    JSON.stringify([
      client('so-tuphap-cantho.motcua', CIVIL_STATUS, '1.000894'),
      client('bhxh-cantho.motcua', INSURANCE, '1.000052'),
    ]),
  );
  stack = await startStack({
    auditStore: store,
    gatewayEnv: { AUDIT_KEY_FILE: auditKeyFile, CLIENTS_FILE: clientsFile },
  });
  const civilStatus = await stack.token('population:read', {
    sub: 'so-tuphap-cantho.motcua',
    officer: OFFICER,
  });
  const insurance = await stack.token('population:read', { sub: 'bhxh-cantho.motcua', officer: OFFICER });
  // The husband's data read with his spouse's, then partially (religion is outside the scopes),
  // then the wife's alone: three records, two about him, one of which names her too; the store signs
  // a checkpoint of those three. Then his birth data again, after that checkpoint.
  await stack.query(
    'query($id: ID!) { citizen(id: $id) { fullName dateOfBirth permanentResidence { detail } spouse { fullName } } }',
    { id: FIXTURES.husband },
    { token: civilStatus, procedure: '1.000894', dossier: 'H92.31-251121-5001' },
  );
  await stack.query(
    'query($id: ID!) { citizen(id: $id) { fullName religion } }',
    { id: FIXTURES.husband },
    { token: insurance, procedure: '1.000052', dossier: 'H92.31-251121-5002' },
  );
  await stack.query(
    'query($id: ID!) { citizen(id: $id) { fullName } }',
    { id: FIXTURES.wife },
    { token: insurance, procedure: '1.000052', dossier: 'H92.31-251121-5003' },
  );
  await stack.query(
    'query($id: ID!) { citizen(id: $id) { fullName dateOfBirth } }',
    { id: FIXTURES.husband },
    { token: civilStatus, procedure: '1.000894', dossier: 'H92.31-251121-5004' },
  );
  browser = await launchChromium();
  context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 360, height: 780 } });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(stack.gateway.url)) foreignRequests.push(request.url());
  });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stack?.[Symbol.asyncDispose]();
  await store?.[Symbol.asyncDispose]();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('signs in with the keyboard alone, the field found by its label', async () => {
  await page.goto(`${stack.gateway.url}/cong-dan/`);
  expect(await page.textContent('h1')).toBe('Ai đã xem dữ liệu của tôi');
  await screenshot(page, 'citizen-sign-in-360');
  await page.getByLabel('Mã truy cập từ ứng dụng định danh').focus();
  await page.keyboard.insertText(await stack.token('citizen:self', { sub: FIXTURES.husband }));
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Đăng nhập');
  await page.keyboard.press('Enter');
  await page.waitForSelector('ul.accesses');
  const [cookie] = await context.cookies();
  expect(cookie).toMatchObject({
    name: 'lienthong_citizen',
    path: '/cong-dan',
    httpOnly: true,
    sameSite: 'Strict',
  });
});

it("lists every access to one's own data: when, which agency, procedure, dossier and data in plain Vietnamese", async () => {
  const cards = await page.$$eval('ul.accesses li', (items) =>
    items.map((li) => ({
      agency: li.querySelector('.agency')?.textContent,
      agencyId: li.querySelector('.agency .client')?.getAttribute('title'),
      log: li.querySelector('.inclusion')?.textContent,
      logDetail: li.querySelector('.inclusion-detail')?.textContent,
      purpose: li.querySelector('.purpose')?.textContent,
      data: li.querySelector('.data')?.textContent,
      denied: li.querySelector('.denied')?.textContent ?? null,
      outcome: li.querySelector('.outcome')?.textContent,
      time: li.querySelector('time')?.textContent,
    })),
  );
  expect(cards).toHaveLength(3);
  expect(cards[0]).toMatchObject({
    agency: CIVIL_STATUS,
    agencyId: 'so-tuphap-cantho.motcua',
    purpose: 'Đăng ký kết hôn (1.000894), mã hồ sơ H92.31-251121-5004',
  });
  expect(cards[1]).toMatchObject({
    agency: INSURANCE,
    agencyId: 'bhxh-cantho.motcua',
    purpose: 'Cấp lại thẻ bảo hiểm y tế (1.000052), mã hồ sơ H92.31-251121-5002',
    data: 'họ và tên',
    denied: 'tôn giáo',
    outcome: 'cung cấp một phần',
  });
  expect(cards[2]).toMatchObject({
    agency: CIVIL_STATUS,
    agencyId: 'so-tuphap-cantho.motcua',
    purpose: 'Đăng ký kết hôn (1.000894), mã hồ sơ H92.31-251121-5001',
    denied: null,
    outcome: 'đã cung cấp',
  });
  for (const label of ['họ và tên', 'ngày sinh', 'nơi thường trú', 'vợ hoặc chồng'])
    expect(cards[2]!.data).toContain(label);
  for (const card of cards) expect(card.time).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
  // The two records the checkpoint covers are verified by the page against the signed log; the
  // later one waits for the next checkpoint.
  expect(cards.map((c) => c.log)).toEqual([
    '⧗ Đang chờ điểm kiểm tra (checkpoint) tiếp theo',
    '✓ Đã xác minh trong sổ nhật ký',
    '✓ Đã xác minh trong sổ nhật ký',
  ]);
  expect(cards[1]!.logDetail).toMatch(
    /^theo điểm kiểm tra có chữ ký gồm 3 bản ghi, lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/,
  );
  expect(await page.$$eval('.inclusion-failed', (marks) => marks.length)).toBe(0);
  // Each kind of data keeps its schema coordinate on hover.
  expect(await page.getAttribute('ul.accesses .data span[title="Citizen.spouse"]', 'title')).toBe(
    'Citizen.spouse',
  );
});

it('draws the accesses per day from the records, coloured by agency, the partial one marked', async () => {
  const segments = await page.$$eval('#chart-citizen rect.bar title', (ts) => ts.map((t) => t.textContent));
  // Per agency, summed over the days the segments fall on (the series are named from the registry).
  const perAgency: Record<string, number> = {};
  for (const segment of segments) {
    const [, agency, count] = /^\d{2}\/\d{2} · (.+): (\d+)$/.exec(segment ?? '') ?? [];
    perAgency[agency ?? String(segment)] = (perAgency[agency ?? String(segment)] ?? 0) + Number(count);
  }
  expect(perAgency).toEqual({
    [`${CIVIL_STATUS} (so-tuphap-cantho.motcua)`]: 2,
    [`${INSURANCE} (bhxh-cantho.motcua)`]: 1,
  });
  expect(await page.$$eval('#chart-citizen .mark-partial', (m) => m.length)).toBe(1);
  expect(await page.$$eval('#chart-citizen .mark-denied', (m) => m.length)).toBe(0);
});

it("shows no other citizen's id and no officer's name, fits the phone, and draws Vietnamese with Noto Sans", async () => {
  const text = (await page.textContent('body')) ?? '';
  expect(text).not.toContain(FIXTURES.wife);
  expect(text).not.toContain('H92.31-251121-5003');
  expect(text).not.toContain(OFFICER);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  const fonts = await platformFonts(await context.newCDPSession(page), 'h1');
  expect(fonts).toEqual([{ familyName: 'Noto Sans', glyphCount: 'Ai đã xem dữ liệu của tôi'.length }]);
  await screenshot(page, 'citizen-history-360', { docs: true });
});

it("refuses a citizen's token at the admin sign-in, and an administrator's at the citizen's", async () => {
  const other = await browser.newContext({ locale: 'vi-VN', viewport: { width: 360, height: 780 } });
  try {
    const tab = await other.newPage();
    await tab.goto(`${stack.gateway.url}/admin/`);
    await tab.fill('textarea[name="token"]', await stack.token('citizen:self', { sub: FIXTURES.husband }));
    await tab.click('button:has-text("Đăng nhập")');
    await expect
      .poll(() => tab.textContent('[role="alert"]'))
      .toBe('Mã truy cập này không có quyền audit:read.');
    expect(await other.cookies()).toEqual([]);

    await tab.goto(`${stack.gateway.url}/cong-dan/`);
    await tab.fill('textarea[name="token"]', await stack.token('audit:read', { sub: 'thanh-tra.admin' }));
    await tab.click('button:has-text("Đăng nhập")');
    await expect
      .poll(() => tab.textContent('[role="alert"]'))
      .toBe('Mã truy cập này không phải của công dân (cần quyền citizen:self).');
    expect(await other.cookies()).toEqual([]);
    expect(await tab.$('ul.accesses')).toBeNull();
  } finally {
    await other.close();
  }
  // The citizen's own session never reaches the admin pages: its cookie's path is /cong-dan.
  await page.goto(`${stack.gateway.url}/admin/`);
  expect(await page.$('textarea[name="token"]')).not.toBeNull();
  expect(consoleErrors).toEqual([]);
  expect(foreignRequests).toEqual([]);
});
