// `npm start` (scripts/start.ts) as the README's first command, run as a process on free ports with its
// data in a temporary directory: it announces the stack only once every component is ready, and a
// component that dies makes it stop everything and exit non-zero, naming the component.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { mockPortVar, SOURCES, subgraphPortVar } from '../../lib/topology.ts';

const START = new URL('../../scripts/start.ts', import.meta.url).pathname;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Started {
  readonly child: ChildProcess;
  readonly ports: Readonly<Record<string, number>>;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<number | null>;
}

/** Runs start.ts with every port of lib/topology.ts moved to a free one and DATA_DIR in a temp dir. */
async function runStart(
  extraEnv: Record<string, string> = {},
  fixedPorts: Record<string, number> = {},
): Promise<Started> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lienthong-start-'));
  const ports: Record<string, number> = { GATEWAY_PORT: await freePort() };
  for (const s of SOURCES) {
    ports[subgraphPortVar(s)] = await freePort();
    ports[mockPortVar(s)] = await freePort();
  }
  Object.assign(ports, fixedPorts);
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ...extraEnv };
  for (const [name, port] of Object.entries(ports)) env[name] = String(port);
  delete env['NODE_COMPILE_CACHE'];
  const child = spawn(process.execPath, [START], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });
  return { child, ports, stdout: () => out, stderr: () => err, exited };
}

async function answers(url: string): Promise<number | 'down'> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return 'down';
  }
}

it('prints the example only once every component answers /readyz, and stops cleanly on Ctrl-C', async () => {
  const started = await runStart();
  await expect.poll(started.stdout, { timeout: 150_000, interval: 100 }).toContain('lienthong is running');
  // Announced means ready: at that moment every component answers, and the example is complete.
  const { ports } = started;
  const statuses = await Promise.all([
    answers(`http://127.0.0.1:${ports['GATEWAY_PORT']}/readyz`),
    ...SOURCES.map((s) => answers(`http://127.0.0.1:${ports[subgraphPortVar(s)]}/readyz`)),
    ...SOURCES.map((s) => answers(`http://127.0.0.1:${ports[mockPortVar(s)]}/readyz`)),
  ]);
  expect(statuses).toEqual(Array(11).fill(200));
  const out = started.stdout();
  for (const name of ['mocks', 'gateway', ...SOURCES.map((s) => `subgraph-${s}`)]) {
    expect(out.indexOf(`✓ ${name} (`)).toBeGreaterThan(-1);
    expect(out.indexOf(`✓ ${name} (`)).toBeLessThan(out.indexOf('lienthong is running'));
  }
  expect(out).toContain(`http://127.0.0.1:${ports['GATEWAY_PORT']}/graphql`);
  expect(out).toMatch(/TOKEN=ey[\w-]+\.[\w-]+\.[\w-]+/);
  expect(out).toContain(`IDE: http://127.0.0.1:${ports['GATEWAY_PORT']}/graphiql`);
  expect((await fetch(`http://127.0.0.1:${ports['GATEWAY_PORT']}/graphiql`)).status).toBe(200);

  // The printed example works as printed against the ports chosen.
  const token = /TOKEN=(\S+)/.exec(out)?.[1];
  const response = await fetch(`http://127.0.0.1:${ports['GATEWAY_PORT']}/graphql`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-procedure-code': /x-procedure-code: ([\d.]+)/.exec(out)?.[1] ?? '',
      'x-dossier-id': /x-dossier-id: ([\w.-]+)/.exec(out)?.[1] ?? '',
    },
    body: /-d '(.+)'$/m.exec(out)?.[1] ?? '',
  });
  const body = (await response.json()) as { data?: { citizen?: { fullName?: string } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(body.data?.citizen?.fullName).toBeTruthy();

  started.child.kill('SIGINT');
  expect(await started.exited).toBe(0);
  expect(await answers(`http://127.0.0.1:${ports['GATEWAY_PORT']}/healthz`)).toBe('down');
  expect(await answers(`http://127.0.0.1:${ports[mockPortVar('population')]}/healthz`)).toBe('down');
}, 200_000);

it('exits non-zero naming a component that dies during start, and never says it is running', async () => {
  // A bad gateway setting: the gateway reports it and exits 78, the others start normally.
  const started = await runStart({ QUERY_MAX_DEPTH: 'deep' });
  const code = await started.exited;
  expect(code).not.toBe(0);
  expect(code).not.toBeNull();
  expect(started.stderr()).toMatch(/lienthong did not start: gateway exited \(code 78\)/);
  expect(started.stderr()).toContain('QUERY_MAX_DEPTH');
  expect(started.stdout()).not.toContain('running');
  expect(started.stdout()).not.toContain('TOKEN=');
  expect(started.stdout()).not.toContain('✓ gateway');
  // Nothing is left behind: the components already started were stopped.
  const { ports } = started;
  for (const s of SOURCES) {
    expect(await answers(`http://127.0.0.1:${ports[subgraphPortVar(s)]}/healthz`)).toBe('down');
    expect(await answers(`http://127.0.0.1:${ports[mockPortVar(s)]}/healthz`)).toBe('down');
  }
}, 200_000);

it('refuses to start over a port that is already taken, naming its variable, before starting anything', async () => {
  const squatter = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => squatter.close(() => resolve())));
  const port = (squatter.address() as { port: number }).port;
  const started = await runStart({}, { [subgraphPortVar('land')]: port });
  expect(await started.exited).toBe(1);
  expect(started.stderr()).toContain(`lienthong did not start: LAND_SUBGRAPH_PORT ${port} already in use`);
  expect(started.stdout()).not.toContain('running');
  expect(await answers(`http://127.0.0.1:${started.ports['GATEWAY_PORT']}/healthz`)).toBe('down');
}, 60_000);
