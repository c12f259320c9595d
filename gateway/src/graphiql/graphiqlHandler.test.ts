import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readGatewayConfig } from '../config.ts';
import { createGraphiqlHandler } from './graphiqlHandler.ts';

let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  if (dir) await rm(dir, { recursive: true, force: true });
  server = dir = undefined;
});

/** Serves the handler over HTTP from a bundle folder holding `files`; returns its base URL. */
async function serve(files: Record<string, string>): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-graphiql-'));
  for (const [name, body] of Object.entries(files)) await writeFile(join(dir, name), body);
  const handler = await createGraphiqlHandler(dir);
  server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) res.writeHead(418).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createGraphiqlHandler', () => {
  it('serves the page and the bundle files it lists, with the CSP', async () => {
    const url = await serve({ 'ide.js': 'console.log(1)', 'ide.css': 'body{}' });
    const page = await fetch(`${url}/graphiql`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('src="/graphiql/assets/ide.js"');
    const script = await fetch(`${url}/graphiql/assets/ide.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('says how to build the IDE when the bundle is missing', async () => {
    const url = await serve({});
    const response = await fetch(`${url}/graphiql`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:graphiql');
  });

  it('refuses other methods and unknown files, and leaves other paths alone', async () => {
    const url = await serve({ 'ide.js': '', 'notes.md': 'secret' });
    expect((await fetch(`${url}/graphiql`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${url}/graphiql/assets/notes.md`)).status).toBe(404);
    expect((await fetch(`${url}/graphiql/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${url}/graphiqlx`)).status).toBe(418);
  });
});

describe('GRAPHIQL', () => {
  const production = {
    AUTH_JWKS_FILE: '/keys.json',
    AUTH_ISSUER: 'https://idp.example',
    INTERNAL_SIGNING_KEY_FILE: '/a',
    ATTESTATION_KEY_FILE: '/b',
    AUDIT_KEY_FILE: '/c',
    PURPOSE_VERIFICATION: 'declared',
  };
  it('is off in production unless asked for, on in dev mode unless switched off', () => {
    expect(readGatewayConfig(production).graphiql).toBe(false);
    expect(readGatewayConfig({ ...production, GRAPHIQL: '1' }).graphiql).toBe(true);
    expect(readGatewayConfig({ LIENTHONG_DEV: '1' }).graphiql).toBe(true);
    expect(readGatewayConfig({ LIENTHONG_DEV: '1', GRAPHIQL: '0' }).graphiql).toBe(false);
  });
  it('refuses a value that is not a flag, naming the variable', () => {
    expect(() => readGatewayConfig({ LIENTHONG_DEV: '1', GRAPHIQL: 'yes' })).toThrow(/GRAPHIQL/);
  });
});
