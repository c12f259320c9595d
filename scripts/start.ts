// `npm start`: the whole stack on one machine on its embedded defaults (no Redis, no PostgreSQL):
// the mock national databases, the five subgraphs and the gateway, each its own process. None of them
// needs another to start (the gateway's supergraph is static, a subgraph reaches its database only when
// asked), so all start at once and are waited for together. "running" and the example are printed only
// once every component answers /readyz; a component that exits first stops everything and the command
// exits non-zero, naming it.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ensureDevKey } from '../lib/keys.ts';
import {
  DEFAULT_GATEWAY_PORT,
  defaultMockPort,
  defaultSubgraphPort,
  MOCK_SOURCES,
  type MockSource,
  mockPortVar,
  SOURCES,
  subgraphPortVar,
  upstreamUrlVar,
} from '../lib/topology.ts';
import { exampleRequest } from './exampleRequest.ts';

interface Component {
  readonly name: string;
  readonly args: readonly string[];
  readonly readyUrls: readonly string[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Exit code when a component died or never became ready (EX_SOFTWARE-like, never 0). */
const FAILED = 1;

const env: NodeJS.ProcessEnv = { ...process.env, LIENTHONG_DEV: process.env['LIENTHONG_DEV'] ?? '1' };
const portOf = (variable: string, fallback: number) => Number(env[variable] || fallback);
/** Keys, the embedded audit database and the logs; DATA_DIR moves them all (default ./data). */
const dataDir = env['DATA_DIR'] || join(ROOT, 'data');
const logDir = join(dataDir, 'logs');
/**
 * START_TIMEOUT_SECONDS: how long a live component may take to answer /readyz; default 120. A busy
 * machine needs more than an idle one, and a component that dies is reported at once anyway.
 */
const startTimeoutMs = Number(env['START_TIMEOUT_SECONDS'] || 120) * 1000;

const mockUrl = (s: MockSource) => `http://127.0.0.1:${portOf(mockPortVar(s), defaultMockPort(s))}`;
const subgraphUrl = (s: (typeof SOURCES)[number]) =>
  `http://127.0.0.1:${portOf(subgraphPortVar(s), defaultSubgraphPort(s))}`;
const gatewayUrl = `http://127.0.0.1:${portOf('GATEWAY_PORT', DEFAULT_GATEWAY_PORT)}`;

// Each component finds the others on the ports chosen here, whatever they are.
env['DATA_DIR'] = dataDir;
env['AUDIT_DATA_DIR'] ||= join(dataDir, 'audit');
env['SUPERGRAPH_FILE'] ||= join(ROOT, 'schema', 'supergraph.graphql');
env['SUBGRAPH_URLS'] ||= SOURCES.map((s) => `${s}=${subgraphUrl(s)}/graphql`).join(',');
for (const s of SOURCES) env[upstreamUrlVar(s)] ||= mockUrl(s);
// Purpose is proven against the one-stop system's dossiers: the onestop mock here.
env['ONESTOP_URL'] ||= mockUrl('onestop');
// Node keeps the compiled (type-stripped) modules here: later starts skip most of the compiling.
env['NODE_COMPILE_CACHE'] ||= join(dataDir, 'cache', 'node');

/** Every port of the stack, by the variable that sets it. */
const ports: Readonly<Record<string, number>> = Object.fromEntries([
  ['GATEWAY_PORT', portOf('GATEWAY_PORT', DEFAULT_GATEWAY_PORT)],
  ...SOURCES.map((s) => [subgraphPortVar(s), portOf(subgraphPortVar(s), defaultSubgraphPort(s))]),
  ...MOCK_SOURCES.map((s) => [mockPortVar(s), portOf(mockPortVar(s), defaultMockPort(s))]),
]);

const components: readonly Component[] = [
  {
    name: 'mocks',
    args: ['mocks/main.ts', 'all'],
    readyUrls: MOCK_SOURCES.map((s) => `${mockUrl(s)}/readyz`),
  },
  ...SOURCES.map((s) => ({
    name: `subgraph-${s}`,
    args: [`subgraphs/${s}/main.ts`],
    readyUrls: [`${subgraphUrl(s)}/readyz`],
  })),
  { name: 'gateway', args: ['gateway/src/main.ts'], readyUrls: [`${gatewayUrl}/readyz`] },
];

/** The gateway's rule (config.ts): GRAPHIQL decides, else dev mode. */
const ideServed = ['1', 'true'].includes(env['GRAPHIQL'] ?? env['LIENTHONG_DEV'] ?? '');

const children = new Map<string, ChildProcess>();
let stopping = false;

async function main(): Promise<void> {
  const startedAt = performance.now();
  // Another process answering on one of these ports (a stack started earlier) would pass our readiness
  // checks for a component that is about to fail to listen: refuse before starting anything.
  const taken = (
    await Promise.all(Object.entries(ports).map(async ([name, port]) => ((await inUse(port)) ? name : '')))
  ).filter(Boolean);
  if (taken.length > 0) {
    process.stderr.write(
      `lienthong did not start: ${taken.map((name) => `${name} ${ports[name]}`).join(', ')} already in use ` +
        '(another lienthong running?); stop it or choose other ports.\n',
    );
    process.exit(FAILED);
  }
  await mkdir(logDir, { recursive: true });
  if (env['LIENTHONG_DEV'] === '1') {
    // Create the dev keys once, before several processes race to create them.
    await Promise.all([
      ensureDevKey('gateway-internal', 'EdDSA'),
      ensureDevKey('client-dev', 'ES256'),
      ensureDevKey('results-registry', 'EdDSA'),
    ]);
  }
  for (const component of components) spawnComponent(component);
  await Promise.all(
    components.map(async (component) => {
      await waitReady(component);
      const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
      if (!stopping) process.stdout.write(`  ✓ ${component.name} (${seconds} s)\n`);
    }),
  ).catch((error: unknown) => fail((error as Error).message));
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  const example = await exampleRequest(`${gatewayUrl}/graphql`);
  // Checked after the last await: a component that died meanwhile has already been reported.
  if (stopping) return;
  process.stdout.write(
    `\nlienthong is running (ready in ${seconds} s). Point your client at ${gatewayUrl}/graphql\n` +
      (ideServed
        ? `IDE: ${gatewayUrl}/graphiql (paste the token and the two purpose headers below).\n`
        : '') +
      `Logs: ${relative(process.cwd(), logDir) || '.'}/. Stop with Ctrl-C.\n\n${example}\n`,
  );
}

function spawnComponent(component: Component): void {
  const log = createWriteStream(join(logDir, `${component.name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, component.args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.on('data', (chunk: Buffer) => {
    log.write(chunk);
    process.stderr.write(`[${component.name}] ${chunk}`);
  });
  child.on('exit', (code, signal) => {
    children.delete(component.name);
    // Before or after start-up, one component down stops the stack: nothing keeps running half-broken.
    if (!stopping)
      void fail(`${component.name} exited (${signal ?? `code ${code}`}); see ${logOf(component)}`);
  });
  children.set(component.name, child);
}

async function waitReady(component: Component): Promise<void> {
  const until = Date.now() + startTimeoutMs;
  for (const url of component.readyUrls) {
    for (;;) {
      if (stopping) return;
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) {
        throw new Error(
          `${component.name} did not become ready at ${url} within ${startTimeoutMs / 1000} s ` +
            `(START_TIMEOUT_SECONDS); see ${logOf(component)}`,
        );
      }
      await sleep(50);
    }
  }
}

/** Whether something accepts connections on 127.0.0.1:port. */
function inUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const answer = (used: boolean) => {
      socket.destroy();
      resolve(used);
    };
    socket.setTimeout(1_000);
    socket.once('connect', () => answer(true));
    socket.once('error', () => answer(false));
    socket.once('timeout', () => answer(false));
  });
}

const logOf = (component: Component) => relative(process.cwd(), join(logDir, `${component.name}.log`));

async function fail(message: string): Promise<void> {
  if (stopping) return;
  process.stderr.write(`lienthong did not start: ${message}\n`);
  await stopAll(FAILED);
}

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // The gateway drains first, then the subgraphs together, the mocks last.
  const order = [['gateway'], SOURCES.map((s) => `subgraph-${s}`), ['mocks']];
  for (const names of order) {
    await Promise.all(
      names.map(async (name) => {
        const child = children.get(name);
        if (!child) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(12_000)]);
        if (children.has(name)) child.kill('SIGKILL');
      }),
    );
  }
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
// A closed terminal hangs up the whole group. The gateway takes SIGHUP as "reload", so it would outlive
// the rest: stop everything instead, as Ctrl-C does.
process.on('SIGHUP', () => void stopAll(0));
await main();
