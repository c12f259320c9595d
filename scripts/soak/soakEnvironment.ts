// The soak's own world: keys in a temporary directory, a redis-server and a PostgreSQL of its own on
// free ports (never the machine's shared services, which the fault schedule would otherwise stop),
// and the stack as processes — the mocks, one process per subgraph, two gateway replicas — and a
// witness of the audit log polling replica a, as an inspectorate would.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateSigningJwk, type SigningKey, signingKeyFromJwk, toJwks } from '../../lib/keys.ts';
import { SOURCES, type Source, subgraphPortVar, upstreamUrlVar } from '../../lib/topology.ts';
import { type OwnPostgres, startOwnPostgres } from '../../tests/support/ownPostgres.ts';
import { sign } from './soakTraffic.ts';

export const SOAK_ISSUER = 'https://idp.soak/lienthong';
export const UPSTREAM_KEY = 'soak-upstream-key';

export interface SoakProcess {
  readonly name: string;
  pid(): number | undefined;
  /** SIGTERM, wait for the exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface SoakEnvironment extends AsyncDisposable {
  readonly dir: string;
  readonly clientKey: SigningKey;
  readonly databaseUrl: string;
  /** Public keys of the audit checkpoints, for `audit:verify --jwks`. */
  readonly auditJwksFile: string;
  /** The witness's own directory (accepted heads, metrics, ALARM), for `audit:verify --witness`. */
  readonly witnessDir: string;
  /** Signs a fresh audit:read token into the file the witness reads before each poll. */
  renewWitnessToken(): Promise<void>;
  readonly mockUrls: Readonly<Record<Source, string>>;
  readonly gatewayUrls: readonly string[];
  readonly redis: SoakProcess;
  readonly gateways: readonly SoakProcess[];
  /** Every long-lived process, for RSS sampling. */
  readonly processes: readonly SoakProcess[];
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startSoakEnvironment(log: (line: string) => void): Promise<SoakEnvironment> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-soak-'));
  const started: { stop(): Promise<void> }[] = [];
  let postgres: OwnPostgres | undefined;
  try {
    const clientKey = await signingKeyFromJwk(await generateSigningJwk('ES256', 'soak-client'));
    const internal = await generateSigningJwk('EdDSA', 'soak-internal');
    const files = {
      clientJwks: join(dir, 'client.jwks.json'),
      internal: join(dir, 'internal.jwk.json'),
      internalJwks: join(dir, 'internal.jwks.json'),
      attestation: join(dir, 'attestation.jwk.json'),
      audit: join(dir, 'audit.jwk.json'),
      registry: join(dir, 'registry.jwk.json'),
      auditJwks: join(dir, 'audit.jwks.json'),
    };
    await writeFile(files.clientJwks, JSON.stringify(toJwks([clientKey.publicJwk])));
    await writeFile(files.internal, JSON.stringify(internal));
    await writeFile(
      files.internalJwks,
      JSON.stringify(toJwks([(await signingKeyFromJwk(internal)).publicJwk])),
    );
    await writeFile(files.attestation, JSON.stringify(await generateSigningJwk('EdDSA', 'soak-attestation')));
    const auditJwk = await generateSigningJwk('EdDSA', 'soak-audit');
    await writeFile(files.audit, JSON.stringify(auditJwk));
    await writeFile(files.auditJwks, JSON.stringify(toJwks([(await signingKeyFromJwk(auditJwk)).publicJwk])));
    await writeFile(files.registry, JSON.stringify(await generateSigningJwk('EdDSA', 'soak-registry')));

    log('starting PostgreSQL and Redis of the soak’s own');
    postgres = await startOwnPostgres();
    const redisPort = await freePort();
    const redis = soakProcess(dir, 'redis', 'redis-server', [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    await redis.start();
    started.push(redis);
    await waitForPort(redisPort);

    const ports = {
      mocks: Object.fromEntries(await Promise.all(SOURCES.map(async (s) => [s, await freePort()]))),
      subgraphs: Object.fromEntries(await Promise.all(SOURCES.map(async (s) => [s, await freePort()]))),
      gateways: [await freePort(), await freePort()],
    } as { mocks: Record<Source, number>; subgraphs: Record<Source, number>; gateways: number[] };
    const mockUrls = Object.fromEntries(
      SOURCES.map((s) => [s, `http://127.0.0.1:${ports.mocks[s]}`]),
    ) as Record<Source, string>;
    const base: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      LOG_LEVEL: 'warn',
      UPSTREAM_API_KEY: UPSTREAM_KEY,
    };
    const cacheEnv = {
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      REDIS_KEY_PREFIX: 'soak:',
      CACHE_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      CACHE_ID_HASH_KEY: randomBytes(32).toString('base64'),
    };

    const mocks = soakProcess(dir, 'mocks', process.execPath, ['mocks/main.ts', 'all'], {
      ...base,
      RESULTS_REGISTRY_KEY_FILE: files.registry,
      ...Object.fromEntries(SOURCES.map((s) => [`${s.toUpperCase()}_MOCK_PORT`, String(ports.mocks[s])])),
    });
    await mocks.start();
    started.push(mocks);
    for (const s of SOURCES) await waitReady(`${mockUrls[s]}/readyz`);

    const subgraphs: SoakProcess[] = [];
    for (const source of SOURCES) {
      const subgraph = soakProcess(
        dir,
        `subgraph-${source}`,
        process.execPath,
        [`subgraphs/${source}/main.ts`],
        {
          ...base,
          ...cacheEnv,
          [subgraphPortVar(source)]: String(ports.subgraphs[source]),
          [upstreamUrlVar(source)]: mockUrls[source],
          INTERNAL_JWKS_FILE: files.internalJwks,
        },
      );
      await subgraph.start();
      started.push(subgraph);
      subgraphs.push(subgraph);
    }
    for (const s of SOURCES) await waitReady(`http://127.0.0.1:${ports.subgraphs[s]}/readyz`);

    const gatewayEnv = (port: number): NodeJS.ProcessEnv => ({
      ...base,
      ...cacheEnv,
      GATEWAY_PORT: String(port),
      AUTH_JWKS_FILE: files.clientJwks,
      AUTH_ISSUER: SOAK_ISSUER,
      INTERNAL_SIGNING_KEY_FILE: files.internal,
      ATTESTATION_KEY_FILE: files.attestation,
      AUDIT_KEY_FILE: files.audit,
      DATABASE_URL: postgres!.url,
      SUBGRAPH_URLS: SOURCES.map((s) => `${s}=http://127.0.0.1:${ports.subgraphs[s]}/graphql`).join(','),
      GATEWAY_REPLICAS: '2',
      // The soak measures the stack, not the quota: its one client may use the whole rate.
      RATE_LIMIT_CAPACITY: '100000',
      RATE_LIMIT_REFILL_PER_SECOND: '100000',
      CLIENT_MAX_CONCURRENT_REQUESTS: '1000',
      // The soak's traffic names one fixed dossier for many citizens: purpose is checked against the
      // registry only (proving it against the one-stop system is tested in purposeEnforce.test.ts).
      PURPOSE_VERIFICATION: 'declared',
    });
    const gatewayUrls = ports.gateways.map((p) => `http://127.0.0.1:${p}`);
    const gateways: SoakProcess[] = [];
    for (const [i, port] of ports.gateways.entries()) {
      const gateway = soakProcess(
        dir,
        `gateway-${'ab'[i]}`,
        process.execPath,
        ['gateway/src/main.ts'],
        gatewayEnv(port),
      );
      await gateway.start();
      started.push(gateway);
      gateways.push(gateway);
      // One at a time: the first applies the audit store's migrations.
      await waitReady(`${gatewayUrls[i]}/readyz`);
    }
    // The witness polls replica a every second; its token file is renewed before tokens expire.
    const witnessDir = join(dir, 'witness');
    const witnessTokenFile = join(dir, 'witness.token');
    const renewWitnessToken = async () =>
      writeFile(witnessTokenFile, await sign(clientKey, 'audit:read'), { mode: 0o600 });
    await renewWitnessToken();
    const witness = soakProcess(dir, 'witness', process.execPath, [
      'scripts/auditWitness.ts',
      ...[
        '--gateway',
        gatewayUrls[0]!,
        '--state',
        witnessDir,
        '--key',
        join(dir, 'witness.private.jwk.json'),
      ],
      ...['--token-file', witnessTokenFile, '--interval-seconds', '1'],
    ]);
    await witness.start();
    started.push(witness);
    const pg = postgres;
    return {
      dir,
      clientKey,
      databaseUrl: pg.url,
      auditJwksFile: files.auditJwks,
      mockUrls,
      gatewayUrls,
      redis,
      gateways,
      witnessDir,
      renewWitnessToken,
      processes: [mocks, ...subgraphs, ...gateways, redis, witness],
      async [Symbol.asyncDispose]() {
        for (const part of started.reverse()) await part.stop().catch(() => {});
        await pg[Symbol.asyncDispose]();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const part of started.reverse()) await part.stop().catch(() => {});
    await postgres?.[Symbol.asyncDispose]();
    log(`soak environment failed to start; logs were in ${dir}`);
    throw error;
  }
}

/** A restartable child process whose output goes to <dir>/<name>.log. */
function soakProcess(
  dir: string,
  name: string,
  command: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): SoakProcess {
  let child: ChildProcess | undefined;
  let logFile: WriteStream | undefined;
  return {
    name,
    pid: () => child?.pid,
    async start() {
      logFile ??= createWriteStream(join(dir, `${name}.log`), { flags: 'a' });
      child = spawn(command, args, {
        cwd: process.cwd(),
        env: env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(logFile, { end: false });
      child.stderr?.pipe(logFile, { end: false });
    },
    async stop() {
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      const exited = new Promise((resolve) => current.once('exit', resolve));
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function waitReady(url: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not become ready within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on port ${port}`);
}
