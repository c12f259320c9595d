// The admin pages in a real headless Chromium (Debian's chromium, driven by playwright-core): sign in
// with a pasted audit:read token, search by subject, read the charts drawn from the records the
// gateway wrote, open the subject's timeline, verify the chain, download the CSV export — in
// Vietnamese, in Vietnam's time, drawn with a font that has the Vietnamese glyphs, on a desktop and
// on a 360-pixel phone, with no script, no external request and no CSP violation on the way.
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { launchChromium, platformFonts, screenshot } from '../support/browser.ts';
import { ALL_READS_PROCEDURE, type Stack, startStack } from '../support/stack.ts';

/** A citizen whose birth was registered in Hồ Chí Minh City (079), for the province chart. */
const SAIGON_CITIZEN = '079085001234';
const CLIENTS = ['so-tuphap-cantho.motcua', 'bhxh-cantho.motcua', 'ubnd-hanoi.motcua'];
let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const foreignRequests: string[] = [];

async function read(id: string, client: string, procedure: string, dossier: string, fields = 'fullName') {
  const token = await stack.token('population:read', { sub: client, officer: 'can-bo-01' });
  await stack.query(
    `query($id: ID!) { citizen(id: $id) { ${fields} } }`,
    { id },
    { token, procedure, dossier },
  );
}

beforeAll(async () => {
  stack = await startStack();
  // Seven served reads (citizens of Cần Thơ, Hà Nội and Hồ Chí Minh City), one partial read of the
  // husband (religion is outside population:read) and one read refused for want of a purpose.
  const reads: [string, string][] = [
    [FIXTURES.husband, '1.001193'],
    [FIXTURES.wife, '1.004222'],
    [FIXTURES.husband, '1.001193'],
    [FIXTURES.children[0]!, '1.004222'],
    [FIXTURES.children[1]!, ALL_READS_PROCEDURE],
    [FIXTURES.deceased, ALL_READS_PROCEDURE],
    [SAIGON_CITIZEN, ALL_READS_PROCEDURE],
  ];
  for (const [i, [id, procedure]] of reads.entries())
    await read(id, CLIENTS[i % 3]!, procedure, `H92.31-251121-300${i}`);
  await read(FIXTURES.husband, CLIENTS[0]!, '1.001193', 'H92.31-251121-3009', 'fullName religion');
  const token = await stack.token('population:read', { sub: CLIENTS[2] });
  await stack.query(
    `{ citizen(id: "${FIXTURES.husband}") { fullName } }`,
    {},
    { token, procedure: null, dossier: null },
  );

  browser = await launchChromium();
  // An officer's browser in Vietnamese; headless Chromium would otherwise ask for en-US.
  context = await browser.newContext({
    acceptDownloads: true,
    locale: 'vi-VN',
    viewport: { width: 1280, height: 900 },
  });
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
});

async function signIn(target: Page) {
  await target.goto(`${stack.gateway.url}/admin/`);
  await target.fill('textarea[name="token"]', await stack.token('audit:read', { sub: 'thanh-tra.admin' }));
  await target.click('button:has-text("Đăng nhập")');
  await expect.poll(() => target.textContent('header')).toContain('thanh-tra.admin');
}

it('signs in, searches by subject in Vietnamese, in Vietnam time, with procedures and fields by name', async () => {
  await signIn(page);
  const [cookie] = await context.cookies();
  expect(cookie).toMatchObject({
    name: 'lienthong_admin',
    path: '/admin',
    httpOnly: true,
    sameSite: 'Strict',
  });

  await page.fill('input[name="subject"]', FIXTURES.husband);
  await page.click('button:has-text("Tra cứu")');
  await page.waitForSelector('#results table');
  expect(await page.getAttribute('html', 'lang')).toBe('vi');
  expect(await page.textContent('h1')).toBe('Tra cứu nhật ký truy cập');
  const headers = await page.$$eval('#results th', (cells) => cells.map((c) => c.textContent));
  expect(headers).toEqual([
    'Thời gian (giờ Việt Nam)',
    'Cơ quan / hệ thống',
    'Cán bộ',
    'Thủ tục',
    'Hồ sơ',
    'Đối tượng',
    'Trường dữ liệu',
    'Bị từ chối',
    'Kết quả',
  ]);
  const rows = await page.$$eval('#results tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())),
  );
  expect(rows.map((r) => r[4])).toEqual(['H92.31-251121-3009', 'H92.31-251121-3002', 'H92.31-251121-3000']);
  expect(rows[1]![3]).toBe('Đăng ký khai sinh (1.001193)');
  expect(rows[0]![8]).toBe('cung cấp một phần');
  expect(rows[0]![7]).toBe('tôn giáo');
  // Vietnam's time, as the <time> element's UTC instant plus seven hours.
  const times = await page.$$eval('#results time', (els) =>
    els.map((e) => [e.getAttribute('datetime'), e.textContent]),
  );
  for (const [iso, shown] of times) {
    const local = new Date(Date.parse(iso!) + 7 * 3_600_000).toISOString();
    expect(shown).toBe(
      `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)} ${local.slice(11, 19)}`,
    );
  }
  expect(await page.getAttribute('#results span.field[title="Citizen.fullName"]', 'title')).toBe(
    'Citizen.fullName',
  );
  expect(await page.textContent('#results span.field[title="Citizen.fullName"]')).toBe('họ và tên');

  // The heading's Vietnamese letters are drawn by Noto Sans (fonts-noto-core), every glyph of them.
  const fonts = await platformFonts(await context.newCDPSession(page), 'h1');
  expect(fonts.map((f) => f.familyName)).toEqual(['Noto Sans']);
  expect(fonts[0]!.glyphCount).toBe('Tra cứu nhật ký truy cập'.length);
  await screenshot(page, 'admin-search');
});

it('draws each chart from the records the gateway wrote', async () => {
  await page.goto(`${stack.gateway.url}/admin/`);
  // Per day: every record of today in one bar, the refused read marked on it.
  expect(await page.$$eval('#chart-per-day rect.bar', (r) => r.length)).toBeGreaterThanOrEqual(3);
  expect(await page.$$eval('#chart-per-day .mark-denied', (m) => m.length)).toBe(1);
  expect(await page.textContent('#chart-per-day .mark-denied title')).toMatch(/: 1 bị từ chối$/);
  expect(await page.textContent('#chart-per-day .mark-partial title')).toMatch(/: 1 cung cấp một phần$/);
  // Per client: the three one-stop systems with their counts, and the inspector's own reads.
  const perClient = await page.$$eval('#chart-per-client g title', (ts) => ts.map((t) => t.textContent));
  expect(perClient).toEqual(
    expect.arrayContaining(['so-tuphap-cantho.motcua: 4', 'bhxh-cantho.motcua: 2', 'ubnd-hanoi.motcua: 3']),
  );
  // Per procedure: by catalogue name and code; the refused read named none and is left out.
  const perProcedure = await page.$$eval('#chart-per-procedure g title', (ts) =>
    ts.map((t) => t.textContent),
  );
  expect(perProcedure).toEqual(['1.001193: 3', `${ALL_READS_PROCEDURE}: 3`, '1.004222: 2']);
  expect(await page.textContent('#chart-per-procedure')).toContain('Đăng ký khai sinh (1.001193)');
  // Per province: six lookups of Cần Thơ citizens, one of Hà Nội, one of Hồ Chí Minh City.
  const perProvince = await page.$$eval('#chart-per-province g title', (ts) => ts.map((t) => t.textContent));
  expect(perProvince).toEqual(['Cần Thơ: 75% (6)', 'Hà Nội: 12.5% (1)', 'Hồ Chí Minh: 12.5% (1)']);
  await screenshot(page.locator('#chart-per-day'), 'admin-chart-per-day', { docs: true });
  await screenshot(page.locator('.charts'), 'admin-charts', { docs: true });
});

it("opens a subject's timeline with its chart, the partial read marked", async () => {
  await page.goto(`${stack.gateway.url}/admin/?subject=${FIXTURES.husband}`);
  await page.click(`#results a:has-text("Citizen:${FIXTURES.husband}")`);
  await page.waitForSelector('ol.timeline');
  expect(await page.textContent('h1')).toBe(`Lịch sử truy cập của đối tượng Citizen:${FIXTURES.husband}`);
  expect(await page.$$eval('ol.timeline li', (items) => items.length)).toBe(3);
  expect(await page.textContent('ol.timeline')).toContain('Đăng ký khai sinh (1.001193)');
  const segments = await page.$$eval('#chart-timeline rect.bar title', (ts) => ts.map((t) => t.textContent));
  // Two reads by the civil status office (one of them partial), one by Hà Nội's one-stop system.
  expect(segments.map((s) => s?.replace(/^\d{2}\/\d{2} · /, '')).sort()).toEqual([
    'so-tuphap-cantho.motcua: 2',
    'ubnd-hanoi.motcua: 1',
  ]);
  expect(await page.$$eval('#chart-timeline .mark-partial', (m) => m.length)).toBe(1);
  await screenshot(page, 'admin-timeline', { docs: true });
});

it('verifies the chain and shows the verdict, then downloads the CSV', async () => {
  await page.goto(`${stack.gateway.url}/admin/`);
  expect(await page.textContent('#chain-status')).toBe('Chưa xác minh kể từ khi cổng khởi động.');
  await page.click('button:has-text("Xác minh ngay")');
  await expect
    .poll(() => page.textContent('#chain-status'))
    .toMatch(/^Chuỗi nhật ký nguyên vẹn: \d+ bản ghi/);
  expect(await page.textContent('.verdict-ok .verdict-headline')).toBe('Nguyên vẹn');
  await screenshot(page.locator('#chain'), 'admin-chain-verdict', { docs: true });

  await page.fill('input[name="subject"]', FIXTURES.husband);
  await page.click('button:has-text("Tra cứu")');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Xuất CSV")')]);
  expect(download.suggestedFilename()).toMatch(/^audit-\d{8}T\d{6}\.csv$/);
  const csv = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\r\n');
  expect(csv).toHaveLength(4);
  expect(csv[2]).toContain('H92.31-251121-3002');
});

it('keeps English on request', async () => {
  await page.goto(`${stack.gateway.url}/admin/?lang=en`);
  expect(await page.textContent('h1')).toBe('Audit records');
  await page.goto(`${stack.gateway.url}/admin/?lang=vi`);
  expect(await page.textContent('h1')).toBe('Tra cứu nhật ký truy cập');
});

it('fits a 360-pixel phone: nothing wider than the screen but the table, which scrolls in its box', async () => {
  const phone = await browser.newContext({ locale: 'vi-VN', viewport: { width: 360, height: 780 } });
  try {
    const small = await phone.newPage();
    await signIn(small);
    await small.goto(`${stack.gateway.url}/admin/?subject=${FIXTURES.husband}`);
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const chartWidth = await small.$eval('#chart-per-day svg', (svg) => svg.getBoundingClientRect().width);
    expect(chartWidth).toBeLessThanOrEqual(360);
    await screenshot(small, 'admin-search-360');
  } finally {
    await phone.close();
  }
  expect(consoleErrors).toEqual([]);
  expect(foreignRequests).toEqual([]);
});
