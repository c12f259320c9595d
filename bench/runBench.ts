// The benchmark plan and its run: for each backend configuration (mocks + subgraphs started once),
// each gateway in turn over the same subgraphs, each operation at a fixed concurrency, then the main
// three gateways again at a fixed arrival rate for latency.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { stripSecurityFeatures } from '../gateway/src/operation/supergraphSecurity.ts';
import { type BackendSpec, startBackends } from './backends.ts';
import { createBenchKeys } from './benchKeys.ts';
import { type LoadSettings, type Measurement, measure } from './measure.ts';
import { type BenchOperation, OPERATIONS } from './operations.ts';
import {
  APOLLO,
  FEATURE_OFF,
  HIVE,
  LIENTHONG_FULL,
  startTarget,
  type TargetFiles,
  type TargetSpec,
} from './targets.ts';

export interface BenchPlan {
  readonly quick: boolean;
  readonly backends: readonly {
    spec: BackendSpec;
    targets: readonly TargetSpec[];
    operations: readonly BenchOperation[];
  }[];
  readonly load: LoadSettings;
  /** Fixed-arrival-rate runs: this share of the slowest main gateway's closed-loop throughput. */
  readonly rateShare: number;
}

const ENGINE: BackendSpec = {
  name: 'engine',
  title: 'no upstream latency, in-process record cache',
  delayMs: 0,
  jitterMs: 0,
  redis: false,
  cacheEntries: 10_000,
};
const REDIS: BackendSpec = {
  name: 'redis',
  title: 'no upstream latency, Redis record cache',
  delayMs: 0,
  jitterMs: 0,
  redis: true,
  cacheEntries: 10_000,
};
const LATENCY: BackendSpec = {
  name: 'latency',
  title: '5–20 ms per upstream call, record cache of one entry (nearly every read goes upstream)',
  delayMs: 5,
  jitterMs: 15,
  redis: false,
  cacheEntries: 1,
};

const MAIN: readonly TargetSpec[] = [LIENTHONG_FULL, APOLLO, HIVE];

/** Narrows a plan to some targets, operations or backends (`--targets=a,b --ops=… --backends=…`). */
export interface PlanFilter {
  readonly targets?: readonly string[];
  readonly operations?: readonly string[];
  readonly backends?: readonly string[];
}

export function filterPlan(plan: BenchPlan, filter: PlanFilter): BenchPlan {
  const keep = <T extends { name: string }>(list: readonly T[], names?: readonly string[]) =>
    names ? list.filter((x) => names.includes(x.name)) : list;
  return {
    ...plan,
    backends: plan.backends
      .filter((b) => !filter.backends || filter.backends.includes(b.spec.name))
      .map((b) => ({
        ...b,
        targets: keep(b.targets, filter.targets),
        operations: keep(b.operations, filter.operations),
      })),
  };
}

export function benchPlan(quick: boolean): BenchPlan {
  if (quick) {
    const ops = OPERATIONS.filter((o) => o.name === 'fullProfile' || o.name === 'largeResponse');
    return {
      quick,
      backends: [{ spec: ENGINE, targets: MAIN, operations: ops }],
      load: { connections: 20, warmupSeconds: 1, durationSeconds: 3 },
      rateShare: 0.5,
    };
  }
  return {
    quick,
    backends: [
      { spec: ENGINE, targets: [...MAIN, ...FEATURE_OFF], operations: OPERATIONS },
      // The enterprise operation is left to the engine backend: it keeps the full run near 15 minutes.
      { spec: REDIS, targets: MAIN, operations: OPERATIONS.filter((o) => o.name !== 'enterprise') },
      { spec: LATENCY, targets: MAIN, operations: OPERATIONS.filter((o) => o.name !== 'enterprise') },
    ],
    load: { connections: 50, warmupSeconds: 2, durationSeconds: 8 },
    rateShare: 0.6,
  };
}

export interface BenchRun {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly quick: boolean;
  readonly machine: {
    cpus: number;
    cpuModel: string;
    loadBefore: number[];
    loadAfter: number[];
    node: string;
  };
  readonly load: LoadSettings;
  readonly rateShare: number;
  readonly backends: readonly BackendSpec[];
  readonly targets: readonly TargetSpec[];
  readonly auditStore: string;
  readonly measurements: readonly Measurement[];
}

export async function runBench(plan: BenchPlan, log: (line: string) => void): Promise<BenchRun> {
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-bench-'));
  const logDir = join(dir, 'logs');
  await mkdir(logDir, { recursive: true });
  log(`logs in ${logDir}`);
  const keys = await createBenchKeys(dir);
  const strippedSupergraphFile = join(dir, 'supergraph.stripped.graphql');
  await writeFile(
    strippedSupergraphFile,
    stripSecurityFeatures(await readFile(join(process.cwd(), 'schema', 'supergraph.graphql'), 'utf8')),
  );
  const database = await createAuditDatabase();
  const files: TargetFiles = {
    keys,
    strippedSupergraphFile,
    logDir,
    auditDataDir: join(dir, 'audit'),
    ...(database ? { auditDatabaseUrl: database.url } : {}),
  };
  const measurements: Measurement[] = [];
  try {
    for (const { spec, targets, operations } of plan.backends) {
      await using backends = await startBackends(spec, keys, logDir);
      log(`backend ${spec.name}: ${spec.title}`);
      for (const targetSpec of targets) {
        await using target = await startTarget(targetSpec, backends, files);
        for (const operation of operations) {
          const m = await measure(target, backends, operation, keys.clientToken, plan.load);
          measurements.push(m);
          log(line(m));
        }
      }
      for (const targetSpec of targets.filter((t) => MAIN.includes(t))) {
        await using target = await startTarget(targetSpec, backends, files);
        for (const operation of operations) {
          const slowest = Math.min(
            ...measurements
              .filter((m) => m.backend === spec.name && m.operation === operation.name && m.mode === 'closed')
              .filter((m) => MAIN.some((t) => t.name === m.target))
              .map((m) => m.requestsPerSecond),
          );
          if (!Number.isFinite(slowest)) continue;
          const rate = Math.max(1, Math.round(slowest * plan.rateShare));
          const m = await measure(
            target,
            backends,
            operation,
            keys.clientToken,
            { ...plan.load, warmupSeconds: 1 },
            rate,
          );
          measurements.push(m);
          log(line(m));
        }
      }
    }
  } finally {
    await database?.drop();
    if (!process.env['BENCH_KEEP']) await rm(dir, { recursive: true, force: true });
  }
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    quick: plan.quick,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadBefore: loadBefore.map((n) => Math.round(n * 100) / 100),
      loadAfter: loadavg().map((n) => Math.round(n * 100) / 100),
      node: process.version,
    },
    load: plan.load,
    rateShare: plan.rateShare,
    backends: plan.backends.map((b) => b.spec),
    targets: [...new Map(plan.backends.flatMap((b) => b.targets).map((t) => [t.name, t])).values()],
    auditStore: database ? 'PostgreSQL (local, database of the run)' : 'PGlite (embedded)',
    measurements,
  };
}

function line(m: Measurement): string {
  return `${m.backend} ${m.target} ${m.operation} ${m.mode}${m.overallRate ? `@${m.overallRate}` : ''}: ${m.requestsPerSecond} req/s p50 ${m.p50Ms} p95 ${m.p95Ms} p99 ${m.p99Ms} ms, errors ${m.non2xx + m.errors}, rss ${m.peakRssMb} MB, subgraph/req ${m.subgraphPerRequest}, upstream/req ${m.upstreamPerRequest}, redis/req ${m.redisPerRequest ?? '-'}, gateway cpu ms/req ${m.gatewayCpuMsPerRequest ?? '-'}${m.check.ok ? '' : `, CHECK FAILED: ${m.check.problem}`}`;
}

/** A database of the run's own on the local PostgreSQL, if there is one; else the audit uses PGlite. */
async function createAuditDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const base = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `lienthong_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: base, connectionTimeoutMillis: 2_000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch {
    await admin.end().catch(() => {});
    return undefined;
  }
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
