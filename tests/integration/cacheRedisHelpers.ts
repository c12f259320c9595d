// Redis fixtures for the cache and rate-limit tests: the machine's shared Redis with a random key
// prefix per test, private redis-server processes (for outages, restarts and clusters) on free ports,
// and a TCP listener that accepts connections and never answers.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { silentLogger } from '../../lib/logger.ts';
import { closeRedisClient, createRedisClient, type RedisClient, waitForReady } from '../../lib/redis.ts';

const run = promisify(execFile);
export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

export const randomPrefix = () => `test:lienthong:${randomBytes(6).toString('hex')}:`;

export function testEncryption(kids: readonly string[] = ['k1']) {
  const keys: Record<string, Buffer> = {};
  for (const kid of kids) keys[kid] = randomBytes(32);
  return { keys, currentKid: kids[0] as string, idHashKey: randomBytes(32) };
}

export interface TestRedis extends AsyncDisposable {
  readonly client: RedisClient;
  readonly prefix: string;
}

/** A client of the shared Redis under a fresh prefix; dispose deletes the prefix's keys and closes it. */
export async function sharedRedis(prefix = randomPrefix(), url = SHARED_REDIS_URL): Promise<TestRedis> {
  const client = createRedisClient({
    url,
    keyPrefix: prefix,
    logger: silentLogger(),
    commandTimeoutMs: 2000,
  });
  if (!(await waitForReady(client, 5000))) {
    await closeRedisClient(client);
    throw new Error(`Redis is not answering at ${url}: start it (redis-server --port 6379) and rerun`);
  }
  return {
    client,
    prefix,
    async [Symbol.asyncDispose]() {
      await deleteByPrefix(url, prefix);
      await closeRedisClient(client);
    },
  };
}

async function deleteByPrefix(url: string, prefix: string): Promise<void> {
  const admin = createRedisClient({ url, keyPrefix: '', logger: silentLogger(), commandTimeoutMs: 2000 });
  try {
    if (!(await waitForReady(admin, 2000))) return;
    let cursor = '0';
    do {
      const [next, keys] = (await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)) as [
        string,
        string[],
      ];
      cursor = next;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== '0');
  } finally {
    await closeRedisClient(admin);
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RedisProcess extends AsyncDisposable {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A private redis-server on a free port, no persistence; stop() kills it, start() brings it back. */
export async function startRedisServer(
  extraArgs: readonly string[] = [],
  dir?: string,
): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    ...extraArgs,
  ];
  const start = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore', cwd: dir });
    await waitForPing(port);
  };
  const stop = async () => {
    const exiting = child;
    child = undefined;
    if (!exiting || exiting.exitCode !== null) return;
    const exited = new Promise((resolve) => exiting.once('exit', resolve));
    exiting.kill('SIGKILL');
    await exited;
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, start, stop, [Symbol.asyncDispose]: stop };
}

async function waitForPing(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const { stdout } = await run('redis-cli', ['-p', String(port), 'ping']);
      if (stdout.trim() === 'PONG') return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${port} did not start (is redis-server installed?)`);
}

/** A TCP server that accepts connections, reads everything and never replies. */
export async function startSilentServer(): Promise<{ port: number } & AsyncDisposable> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export { run as execFileAsync };

/** Retries check every intervalMs until it returns true; fails after attempts (no timing asserted). */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  attempts = 200,
  intervalMs = 50,
) {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`never happened: ${what}`);
}

export interface RedisClusterProcesses extends AsyncDisposable {
  /** host:port of each master. */
  readonly nodes: string[];
}

/** A 3-master Redis Cluster of private redis-server processes (no replicas), ready to serve. */
export async function startRedisCluster(): Promise<RedisClusterProcesses> {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-cluster-'));
  const servers: RedisProcess[] = [];
  const dispose = async () => {
    for (const server of servers) await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i++) {
      const nodeDir = join(dir, `n${i}`);
      await (await import('node:fs/promises')).mkdir(nodeDir);
      servers.push(
        await startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'], nodeDir),
      );
    }
    const nodes = servers.map((s) => `127.0.0.1:${s.port}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    for (const server of servers) {
      await eventually(async () => {
        const { stdout } = await run('redis-cli', ['-p', String(server.port), 'cluster', 'info']);
        return stdout.includes('cluster_state:ok');
      }, 'cluster state ok');
    }
    return { nodes, [Symbol.asyncDispose]: dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
