// npm run start:cluster [-- --replicas N]
// The stack as a deployment would run it, on one machine: N (default 2) gateway processes and N of each
// subgraph behind one port each (scripts/clusterPrimary.ts: Node's cluster module shares the port and
// spreads connections), all stateless and sharing the Redis (REDIS_URL or REDIS_CLUSTER_NODES) and the
// PostgreSQL audit store (DATABASE_URL) they are given. The mocks run as one process. Ports are the
// usual ones (GATEWAY_PORT, <SOURCE>_SUBGRAPH_PORT, <SOURCE>_MOCK_PORT). Dev keys as with npm start
// unless LIENTHONG_DEV=0 and the key variables are set. Ctrl-C stops everything.
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { loadDevCacheKeys } from '../lib/cache/devCacheKeys.ts';
import { DEV_KEY_DIR, ensureDevKey } from '../lib/keys.ts';
import { DEFAULT_GATEWAY_PORT, defaultMockPort, defaultSubgraphPort, SOURCES } from '../lib/topology.ts';

const { values } = parseArgs({ options: { replicas: { type: 'string', default: '2' } }, strict: true });
const replicas = Number(values.replicas);
const env: NodeJS.ProcessEnv = { ...process.env, LIENTHONG_DEV: process.env['LIENTHONG_DEV'] ?? '1' };
const problems: string[] = [];
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 64)
  problems.push('--replicas: expected 1 to 64');
// Replicas share state only through these two: without them each process would keep its own.
if (!env['REDIS_URL'] && !env['REDIS_CLUSTER_NODES'])
  problems.push('REDIS_URL or REDIS_CLUSTER_NODES: expected the Redis every replica shares, got nothing');
if (!env['DATABASE_URL'])
  problems.push(
    'DATABASE_URL: expected the PostgreSQL audit store every gateway replica writes to, got nothing',
  );
if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exit(64);
}
env['GATEWAY_REPLICAS'] ??= String(replicas);

const portOf = (variable: string, fallback: number) => Number(env[variable] ?? fallback);
const components = [
  {
    name: 'mocks',
    args: ['mocks/main.ts', 'all'],
    ready: SOURCES.map((s) => portOf(`${s.toUpperCase()}_MOCK_PORT`, defaultMockPort(s))),
  },
  ...SOURCES.map((s) => ({
    name: `subgraph-${s} ×${replicas}`,
    args: ['scripts/clusterPrimary.ts', `subgraphs/${s}/main.ts`, String(replicas)],
    ready: [portOf(`${s.toUpperCase()}_SUBGRAPH_PORT`, defaultSubgraphPort(s))],
  })),
  {
    name: `gateway ×${replicas}`,
    args: ['scripts/clusterPrimary.ts', 'gateway/src/main.ts', String(replicas)],
    ready: [portOf('GATEWAY_PORT', DEFAULT_GATEWAY_PORT)],
  },
];

const children: ChildProcess[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  stopping = true;
  // Gateways first, mocks last, each group draining before the next stops.
  for (const child of children.reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
  }
  process.exit(code);
}

async function waitReady(name: string, port: number): Promise<void> {
  const until = Date.now() + 60_000;
  while (!stopping) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      process.stderr.write(`${name} did not become ready on port ${port} within 60 s\n`);
      await stopAll(1);
    }
    await sleep(200);
  }
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
if (env['LIENTHONG_DEV'] === '1') {
  // Created once, before many processes race to create them.
  await Promise.all([
    ensureDevKey('gateway-internal', 'EdDSA'),
    ensureDevKey('gateway-attestation', 'EdDSA'),
    ensureDevKey('gateway-audit', 'EdDSA'),
    ensureDevKey('client-dev', 'ES256'),
    ensureDevKey('results-registry', 'EdDSA'),
    // Every subgraph replica must seal cache entries with the same key.
    loadDevCacheKeys(DEV_KEY_DIR),
  ]);
}
for (const component of components) {
  const child = spawn(process.execPath, component.args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`${component.name} exited (${signal ?? code})\n`);
    void stopAll(1);
  });
  children.push(child);
  for (const port of component.ready) await waitReady(component.name, port);
  process.stdout.write(`  ✓ ${component.name}\n`);
}
process.stdout.write(
  `\nlienthong is running as a cluster: ${replicas} gateway and ${replicas} of each subgraph process, ` +
    `sharing Redis and PostgreSQL. Gateway: http://127.0.0.1:${portOf('GATEWAY_PORT', DEFAULT_GATEWAY_PORT)}/graphql\n`,
);
