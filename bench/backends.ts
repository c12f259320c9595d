// What every gateway under test talks to: the five mocks and five subgraphs as separate processes,
// on ports of the benchmark's own, with or without upstream latency and with or without Redis (a
// redis-server of the benchmark's own, so its command counts are the benchmark's alone).
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { generateSigningJwk } from '../lib/keys.ts';
import { mockPortVar, SOURCES, type Source, subgraphPortVar, upstreamUrlVar } from '../lib/topology.ts';
import { type BenchKeys, UPSTREAM_API_KEY } from './benchKeys.ts';
import { type BenchProcess, freePort, liveChildren, startProcess } from './processes.ts';

export interface BackendSpec {
  readonly name: string;
  readonly title: string;
  /** Upstream delay per mock request: fixed + uniform jitter, in ms. */
  readonly delayMs: number;
  readonly jitterMs: number;
  readonly redis: boolean;
  /**
   * The subgraphs' record cache holds this many entries (CACHE_MAX_ENTRIES); 1 makes nearly every
   * read go upstream, which is what upstream latency is there to show.
   */
  readonly cacheEntries: number;
}

export interface Backends extends AsyncDisposable {
  readonly spec: BackendSpec;
  readonly subgraphUrls: Readonly<Record<Source, string>>;
  /** The one-stop system mock's base URL when the mocks serve it (`onestop`), else undefined. */
  readonly onestopUrl: string | undefined;
  /** Upstream /api/ requests served by all mocks since the last reset. */
  upstreamRequests(): Promise<number>;
  resetUpstream(): Promise<void>;
  /** GraphQL requests the five subgraphs have served since start (their lienthong_graphql_requests_total). */
  subgraphRequests(): Promise<number>;
  /** Redis commands processed since start (INFO commandstats), or undefined without Redis. */
  redisCommands(): Promise<number | undefined>;
  /** Record cache lookups of the five subgraphs since start (their lienthong_cache_requests_total). */
  cacheLookups(): Promise<{ hits: number; misses: number }>;
}

export async function startBackends(spec: BackendSpec, keys: BenchKeys, logDir: string): Promise<Backends> {
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const part of started.reverse()) await part.stop();
  };
  try {
    let redis: Redis | undefined;
    let redisUrl: string | undefined;
    if (spec.redis) {
      const port = await freePort();
      const server = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
      liveChildren.add(server);
      server.once('exit', () => liveChildren.delete(server));
      started.push({
        stop: async () => {
          redis?.disconnect();
          if (server.exitCode === null) {
            const exited = new Promise((resolve) => server.once('exit', resolve));
            server.kill('SIGTERM');
            await exited;
          }
        },
      });
      redisUrl = `redis://127.0.0.1:${port}`;
      // ioredis reconnects by itself until the fresh server listens; a PING answers once it does.
      redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
      redis.on('error', () => {});
      for (let i = 0; ; i++) {
        try {
          await redis.ping();
          break;
        } catch (error) {
          if (i > 100) throw error;
          await sleep(100);
        }
      }
    }
    const registryKeyFile = join(keys.dir, 'registry.jwk.json');
    await writeFile(registryKeyFile, JSON.stringify(await generateSigningJwk('EdDSA', 'bench-registry')));
    const mockPorts = {} as Record<Source, number>;
    for (const source of SOURCES) mockPorts[source] = await freePort();
    const onestopPort = await freePort();
    const mocks: BenchProcess = await startProcess({
      name: `${spec.name}-mocks`,
      args: ['mocks/main.ts', 'all'],
      env: {
        ...baseEnv(),
        UPSTREAM_API_KEY,
        MOCK_DELAY_MS: String(spec.delayMs),
        MOCK_JITTER_MS: String(spec.jitterMs),
        RESULTS_REGISTRY_KEY_FILE: registryKeyFile,
        ...Object.fromEntries(SOURCES.map((s) => [mockPortVar(s), String(mockPorts[s])])),
        ONESTOP_MOCK_PORT: String(onestopPort),
      },
      logDir,
      readyUrls: SOURCES.map((s) => `http://127.0.0.1:${mockPorts[s]}/readyz`),
    });
    started.push(mocks);
    const subgraphUrls = {} as Record<Source, string>;
    for (const source of SOURCES) {
      const port = await freePort();
      const subgraph = await startProcess({
        name: `${spec.name}-subgraph-${source}`,
        args: [`subgraphs/${source}/main.ts`],
        env: {
          ...baseEnv(),
          [subgraphPortVar(source)]: String(port),
          [upstreamUrlVar(source)]: `http://127.0.0.1:${mockPorts[source]}`,
          INTERNAL_JWKS_FILE: keys.files.internalJwks,
          UPSTREAM_API_KEY,
          CACHE_MAX_ENTRIES: String(spec.cacheEntries),
          ...(redisUrl
            ? {
                REDIS_URL: redisUrl,
                REDIS_KEY_PREFIX: `lienthong:bench:${spec.name}:`,
                CACHE_ENCRYPTION_KEYS: keys.cacheEncryptionKeys,
                CACHE_ID_HASH_KEY: keys.cacheIdHashKey,
              }
            : {}),
        },
        logDir,
        readyUrls: [`http://127.0.0.1:${port}/readyz`],
      });
      started.push(subgraph);
      subgraphUrls[source] = `http://127.0.0.1:${port}/graphql`;
    }
    const admin = (source: Source, path: string, method = 'GET') =>
      fetch(`http://127.0.0.1:${mockPorts[source]}/__admin/${path}`, {
        method,
        headers: { authorization: `Bearer ${UPSTREAM_API_KEY}` },
      });
    // The one-stop system (dossiers) is a mock of its own where the mocks have it.
    const onestopUrl = `http://127.0.0.1:${onestopPort}`;
    const onestop = await fetch(`${onestopUrl}/readyz`, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.ok)
      .catch(() => false);
    return {
      spec,
      subgraphUrls,
      onestopUrl: onestop ? onestopUrl : undefined,
      upstreamRequests: async () => {
        let total = 0;
        for (const source of SOURCES) {
          const stats = (await (await admin(source, 'stats')).json()) as { requests: number };
          total += stats.requests;
        }
        return total;
      },
      resetUpstream: async () => {
        for (const source of SOURCES) await (await admin(source, 'stats/reset', 'POST')).arrayBuffer();
      },
      subgraphRequests: async () => {
        let total = 0;
        for (const source of SOURCES) {
          const text = await (await fetch(new URL('/metrics', subgraphUrls[source]))).text();
          for (const match of text.matchAll(/^lienthong_graphql_requests_total\{[^}]*\} (\d+)/gm))
            total += Number(match[1]);
        }
        return total;
      },
      cacheLookups: async () => {
        const counts = { hits: 0, misses: 0 };
        for (const source of SOURCES) {
          const text = await (await fetch(new URL('/metrics', subgraphUrls[source]))).text();
          for (const match of text.matchAll(
            /^lienthong_cache_requests_total\{[^}]*result="(hit|miss)"[^}]*\} (\d+)/gm,
          )) {
            if (match[1] === 'hit') counts.hits += Number(match[2]);
            else counts.misses += Number(match[2]);
          }
        }
        return counts;
      },
      redisCommands: async () => (redis ? commandCount(await redis.info('commandstats')) : undefined),
      [Symbol.asyncDispose]: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Sum of calls over every command but INFO itself (the benchmark's own probe). */
function commandCount(info: string): number {
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    if (match[1] !== 'info') total += Number(match[2]);
  }
  return total;
}

/** The parent's environment without anything that would switch a component into dev mode. */
export function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  delete env['LIENTHONG_DEV'];
  return env;
}
