// The admin pages in a real headless Chromium (Debian's chromium, driven by playwright-core): sign in
// with a pasted audit:read token, search by subject, open the subject's timeline, verify the chain,
// download the CSV export — with no script, no external request and no CSP violation on the way.
import { readFile } from 'node:fs/promises';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack } from '../support/stack.ts';

const SCREENSHOT = '/tmp/lienthong-admin-search.png';
let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const foreignRequests: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  const clients = ['so-tuphap-cantho.motcua', 'bhxh-cantho.motcua', 'ubnd-hanoi.motcua'];
  for (const [i, id] of [FIXTURES.husband, FIXTURES.wife, FIXTURES.husband, ...FIXTURES.children].entries()) {
    const token = await stack.token('population:read', { sub: clients[i % 3], officer: `can-bo-0${i}` });
    await stack.query(
      'query($id: ID!) { citizen(id: $id) { fullName } }',
      { id },
      {
        token,
        dossier: `H92.31-251121-300${i}`,
      },
    );
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
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

it('signs in, searches by subject, opens the timeline, verifies the chain and downloads the CSV', async () => {
  await page.goto(`${stack.gateway.url}/admin/`);
  await page.fill('textarea[name="token"]', await stack.token('audit:read', { sub: 'thanh-tra.admin' }));
  await page.click('button:has-text("Sign in")');
  await expect.poll(() => page.textContent('header')).toContain('thanh-tra.admin');
  const [cookie] = await context.cookies();
  expect(cookie).toMatchObject({
    name: 'lienthong_admin',
    path: '/admin',
    httpOnly: true,
    sameSite: 'Strict',
  });

  await page.fill('input[name="subject"]', FIXTURES.husband);
  await page.click('button:has-text("Search")');
  await page.waitForSelector('#results table');
  const dossiers = await page.$$eval('#results tbody tr td:nth-child(5)', (cells) =>
    cells.map((c) => c.textContent),
  );
  expect(dossiers).toEqual(['H92.31-251121-3002', 'H92.31-251121-3000']);
  expect(await page.$$eval('svg rect', (rects) => rects.length)).toBeGreaterThan(3);
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  await page.click(`#results a:has-text("Citizen:${FIXTURES.husband}")`);
  await page.waitForSelector('ol.timeline');
  expect(await page.textContent('h1')).toBe(`Access timeline of Citizen:${FIXTURES.husband}`);
  expect(await page.$$eval('ol.timeline li', (items) => items.length)).toBe(2);

  await page.goto(`${stack.gateway.url}/admin/`);
  expect(await page.textContent('#chain-status')).toContain('Not verified');
  await page.click('button:has-text("Verify the chain now")');
  await expect.poll(() => page.textContent('#chain-status')).toMatch(/Chain intact: \d+ records/);

  await page.fill('input[name="subject"]', FIXTURES.husband);
  await page.click('button:has-text("Search")');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('a:has-text("Export CSV")'),
  ]);
  expect(download.suggestedFilename()).toMatch(/^audit-\d{8}T\d{6}\.csv$/);
  const csv = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\r\n');
  expect(csv).toHaveLength(3);
  expect(csv[1]).toContain('H92.31-251121-3002');

  expect(consoleErrors).toEqual([]);
  expect(foreignRequests).toEqual([]);
});
