// `npm start`: the whole stack on one machine on its embedded defaults (no Redis, no PostgreSQL):
// the mock national databases, the five subgraphs and the gateway, each its own process. Waits until
// each is ready, prints where to point a client, and stops everything cleanly on Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureDevKey } from '../lib/keys.ts';
import { DEFAULT_GATEWAY_PORT, defaultMockPort, defaultSubgraphPort, SOURCES } from '../lib/topology.ts';
import { exampleRequest } from './exampleRequest.ts';

interface Component {
  readonly name: string;
  readonly args: readonly string[];
  readonly readyUrls: readonly string[];
}

const env: NodeJS.ProcessEnv = { ...process.env, LIENTHONG_DEV: process.env['LIENTHONG_DEV'] ?? '1' };
const portOf = (variable: string, fallback: number) => Number(env[variable] ?? fallback);

const components: Component[] = [
  {
    name: 'mocks',
    args: ['mocks/main.ts', 'all'],
    readyUrls: SOURCES.map(
      (s) => `http://127.0.0.1:${portOf(`${s.toUpperCase()}_MOCK_PORT`, defaultMockPort(s))}/readyz`,
    ),
  },
  ...SOURCES.map((source) => ({
    name: `subgraph-${source}`,
    args: [`subgraphs/${source}/main.ts`],
    readyUrls: [
      `http://127.0.0.1:${portOf(`${source.toUpperCase()}_SUBGRAPH_PORT`, defaultSubgraphPort(source))}/readyz`,
    ],
  })),
  {
    name: 'gateway',
    args: ['gateway/src/main.ts'],
    readyUrls: [`http://127.0.0.1:${portOf('GATEWAY_PORT', DEFAULT_GATEWAY_PORT)}/readyz`],
  },
];

const children = new Map<string, ChildProcess>();
let stopping = false;

async function main(): Promise<void> {
  const logDir = join(process.cwd(), 'data', 'logs');
  await mkdir(logDir, { recursive: true });
  if (env['LIENTHONG_DEV'] === '1') {
    // Create the dev keys once, before several processes race to create them.
    await Promise.all([
      ensureDevKey('gateway-internal', 'EdDSA'),
      ensureDevKey('client-dev', 'ES256'),
      ensureDevKey('results-registry', 'EdDSA'),
    ]);
  }
  for (const component of components) {
    const log = createWriteStream(join(logDir, `${component.name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, component.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log);
    child.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      process.stderr.write(`[${component.name}] ${chunk}`);
    });
    child.on('exit', (code, signal) => {
      children.delete(component.name);
      if (!stopping) {
        process.stderr.write(
          `${component.name} exited (${signal ?? code}); see data/logs/${component.name}.log\n`,
        );
        void stopAll(1);
      }
    });
    children.set(component.name, child);
    await waitReady(component);
    process.stdout.write(`  ✓ ${component.name}\n`);
  }
  const gatewayUrl = `http://127.0.0.1:${portOf('GATEWAY_PORT', DEFAULT_GATEWAY_PORT)}/graphql`;
  process.stdout.write(`\nlienthong is running. Point your client at ${gatewayUrl}\n`);
  process.stdout.write(`Logs: data/logs/. Stop with Ctrl-C.\n\n${await exampleRequest(gatewayUrl)}\n`);
}

async function waitReady(component: Component): Promise<void> {
  const until = Date.now() + 30_000;
  for (const url of component.readyUrls) {
    for (;;) {
      if (stopping) return;
      try {
        const response = await fetch(url);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) {
        process.stderr.write(
          `${component.name} did not become ready at ${url} within 30 s; see data/logs/${component.name}.log\n`,
        );
        await stopAll(1);
        return;
      }
      await sleep(100);
    }
  }
}

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Reverse order: the gateway drains first, the mocks go last.
  for (const name of [...children.keys()].reverse()) {
    const child = children.get(name);
    if (!child) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(12_000)]);
    if (children.has(name)) child.kill('SIGKILL');
  }
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
await main();
