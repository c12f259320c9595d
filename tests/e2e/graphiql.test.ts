// The bundled IDE in a real headless Chromium (Debian's chromium, driven by playwright-core) with every
// request to another origin cut off: GET /graphiql loads GraphiQL, the README's example query runs with
// a token and the two purpose headers pasted into the page's fields, and the answer shows the data —
// with no request leaving the gateway's origin and no CSP violation on the way.
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FIXTURES } from '../../mocks/fixtures.ts';
import {
  EXAMPLE_DOSSIER,
  EXAMPLE_PROCEDURE,
  EXAMPLE_QUERY,
  EXAMPLE_SCOPES,
} from '../../scripts/exampleRequest.ts';
import { type Stack, startStack } from '../support/stack.ts';

const SCREENSHOT = '/tmp/lienthong-graphiql.png';
let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const foreignRequests: string[] = [];

beforeAll(async () => {
  stack = await startStack({ gatewayEnv: { GRAPHIQL: '1' } });
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
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  // The closed network: anything not addressed to the gateway is aborted and remembered.
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${stack.gateway.url}/`)) return route.continue();
    foreignRequests.push(url);
    return route.abort('blockedbyclient');
  });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stack?.[Symbol.asyncDispose]();
});

it("runs the README's example query from the bundled IDE with no request to another origin", async () => {
  const expected = await stack.query(
    'query($id: ID!) { citizen(id: $id) { fullName } }',
    { id: FIXTURES.husband },
    { token: await stack.token('population:read') },
  );
  const fullName = (expected.body.data as { citizen: { fullName: string } }).citizen.fullName;

  const served = await page.goto(`${stack.gateway.url}/graphiql`);
  expect(served?.status(), 'the IDE is bundled by npm install (npm run build:graphiql)').toBe(200);
  await page.waitForSelector('.graphiql-query-editor .monaco-editor');
  await page.fill('#token', await stack.token(`${EXAMPLE_SCOPES} schema:introspect`));
  await page.fill('#procedure-code', EXAMPLE_PROCEDURE);
  await page.fill('#dossier-id', EXAMPLE_DOSSIER);

  await replaceEditorText(page, '.graphiql-query-editor', EXAMPLE_QUERY);
  await page.click('button:has-text("Variables")');
  await replaceEditorText(page, '.graphiql-editor-tool', JSON.stringify({ id: FIXTURES.husband }));

  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('FamilyProfile'),
    ),
    page.click('.graphiql-execute-button'),
  ]);
  const sent = response.request().headers();
  expect(sent['x-procedure-code']).toBe(EXAMPLE_PROCEDURE);
  expect(sent['x-dossier-id']).toBe(EXAMPLE_DOSSIER);
  const body = (await response.json()) as { data?: { citizen?: { fullName?: string } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(body.data?.citizen?.fullName).toBe(fullName);
  // Monaco renders spaces as no-break spaces.
  await expect
    .poll(async () => (await page.textContent('.graphiql-response'))?.replace(/\s+/g, ' '))
    .toContain(`"fullName": "${fullName}"`);
  await page.screenshot({ path: SCREENSHOT });

  expect(foreignRequests).toEqual([]);
  expect(consoleErrors).toEqual([]);
});

it('serves the page under a CSP that allows only its own origin', async () => {
  const response = await fetch(`${stack.gateway.url}/graphiql`);
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toMatch(/https?:|\*/);
  const html = await response.text();
  expect(html).not.toMatch(/(src|href)="https?:/);
});

it('answers a path outside the bundle with 404, never a file from elsewhere', async () => {
  for (const path of ['/graphiql/assets/../../package.json', '/graphiql/assets/%2e%2e%2fpackage.json']) {
    const response = await fetch(`${stack.gateway.url}${path}`);
    expect([404]).toContain(response.status);
  }
});

/**
 * Monaco keeps its text in a model, not the DOM, and closes brackets as they are typed: paste the text
 * over the editor's content, as a user copying the README's query would.
 */
async function replaceEditorText(page: Page, container: string, text: string): Promise<void> {
  await page.evaluate((value) => navigator.clipboard.writeText(value), text);
  await page.click(`${container} .monaco-editor .view-lines`);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+V');
}

it("answers a browser's GET /graphql without Apollo's landing page (it loads from CDNs)", async () => {
  const response = await fetch(`${stack.gateway.url}/graphql`, { headers: { accept: 'text/html' } });
  const text = await response.text();
  expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
  expect(text).not.toMatch(/apollographql|embeddable-sandbox|cdn\./i);
});
