// The benchmark plan and its run. For each backend configuration (mocks + subgraphs started once),
// each gateway in turn over the same subgraphs, driven with the day's workload (bench/workload.ts):
// closed loop on ids the caches have not seen (cold), the same requests again (warm), then open loop
// at rising constant arrival rates until p99 passes the SLO; the identical-request workload as one
// labelled row; lienthong with one feature off to price it; 1 and 2 gateway workers; and, as an
// option, RSS per minute over a long open-loop run at 60% of lienthong's capacity.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { stripSecurityFeatures } from '../gateway/src/operation/supergraphSecurity.ts';
import { FIXTURES } from '../mocks/fixtures.ts';
import { type AppendRate, measureAppendRates } from './auditAppend.ts';
import { type BackendSpec, type Backends, startBackends } from './backends.ts';
import { type BenchKeys, createBenchKeys } from './benchKeys.ts';
import { captureWork } from './direct.ts';
import { fileDossiers } from './dossiers.ts';
import { type LoadSettings, type Measurement, measure, type Phase, type WorkloadFile } from './measure.ts';
import { type MemoryResult, memoryRun } from './memory.ts';
import {
  APOLLO,
  FEATURE_OFF,
  HIVE,
  HIVE_ROUTER,
  LIENTHONG_FULL,
  PHYSICAL_LIMIT,
  PURPOSE_DECLARED,
  type StartedTarget,
  startTarget,
  type TargetFiles,
  type TargetSpec,
  withWorkers,
} from './targets.ts';
import {
  BENCH_CLIENTS,
  buildWorkload,
  identicalWorkload,
  kindCounts,
  type WorkKind,
  type WorkRequest,
} from './workload.ts';

export interface PlanEntry {
  readonly target: TargetSpec;
  readonly phases: readonly Phase[];
}

export interface BenchPlan {
  readonly quick: boolean;
  readonly backends: readonly { spec: BackendSpec; entries: readonly PlanEntry[] }[];
  readonly load: LoadSettings;
  /**
   * Distinct citizens each workload draws from, requests per workload file, and requests captured
   * for the physical limit (the direct run goes round them again when it sends more).
   */
  readonly workload: { readonly poolSize: number; readonly requests: number; readonly captured: number };
  /** The latency objective of the open-loop search: p99 at most this. */
  readonly sloMs: number;
  /** Open-loop arrival rates tried, as shares of the gateway's own cold closed-loop throughput. */
  readonly rateSteps: readonly number[];
  /** RSS per minute of lienthong over a long open-loop run (`--memory`); absent: not run. */
  readonly memory?: { readonly minutes: number; readonly share: number };
  /** The audit log's append rate with these numbers of writer processes, each this many appends in flight. */
  readonly auditAppend: { readonly writerCounts: readonly number[]; readonly inFlight: number };
  /**
   * Every target draws the same day's requests (a price A/B: `pricePlan`), instead of ids of its
   * own. Each backend entry then starts fresh subgraphs and mocks, so every arm meets cold caches.
   */
  readonly sameDay?: boolean;
  /**
   * A price A/B also drives every arm open loop at this one rate, on ids of their own: below the
   * machine's capacity, each process's CPU per request is then compared at equal load.
   */
  readonly equalRate?: number;
}

const ENGINE: BackendSpec = {
  name: 'engine',
  title: 'no upstream latency, in-process record cache of 200 000 entries',
  delayMs: 0,
  jitterMs: 0,
  redis: false,
  cacheEntries: 200_000,
};
const REDIS: BackendSpec = {
  name: 'redis',
  title: 'no upstream latency, Redis record cache',
  delayMs: 0,
  jitterMs: 0,
  redis: true,
  cacheEntries: 200_000,
};
const LATENCY: BackendSpec = {
  name: 'latency',
  title: '5–20 ms per upstream call, record cache of one entry (nearly every read goes upstream)',
  delayMs: 5,
  jitterMs: 15,
  redis: false,
  cacheEntries: 1,
};

export const MAIN: readonly TargetSpec[] = [LIENTHONG_FULL, APOLLO, HIVE, HIVE_ROUTER];
const ALL_PHASES: readonly Phase[] = ['cold', 'warm', 'rate', 'identical'];

/** The append-rate run's name for `--targets=` (it runs with any backend filter). */
export const AUDIT_APPEND = 'audit-append';

/** Narrows a plan to some targets or backends (`--targets=a,b --backends=…`). */
export interface PlanFilter {
  readonly targets?: readonly string[];
  readonly backends?: readonly string[];
  /** Only these phases of each entry (`--phases=cold`), e.g. to repeat feature prices A/B. */
  readonly phases?: readonly Phase[];
}

export function filterPlan(plan: BenchPlan, filter: PlanFilter): BenchPlan {
  return {
    ...plan,
    backends: plan.backends
      .filter((b) => !filter.backends || filter.backends.includes(b.spec.name))
      .map((b) => ({
        ...b,
        entries: b.entries
          .filter((e) => !filter.targets || filter.targets.includes(e.target.name))
          .map((e) =>
            filter.phases ? { ...e, phases: e.phases.filter((p) => filter.phases?.includes(p)) } : e,
          )
          .filter((e) => e.phases.length > 0),
      })),
    auditAppend:
      !filter.targets || filter.targets.includes(AUDIT_APPEND)
        ? plan.auditAppend
        : { ...plan.auditAppend, writerCounts: [] },
  };
}

/**
 * A feature's price measured by alternation (`--price=<target>[,…] --rounds=N`): each round runs
 * lienthong with everything on and each given feature-off target, every arm on fresh backends and
 * the same day's requests, the order reversed every other round so that a drift of the machine
 * falls on both sides.
 */
export function pricePlan(
  plan: BenchPlan,
  offTargets: readonly string[],
  rounds: number,
  equalRate?: number,
): BenchPlan {
  const arms = [LIENTHONG_FULL, ...offTargets.map((name) => featureOff(name))];
  const backends = Array.from({ length: Math.max(1, Math.round(rounds)) }, (_, round) =>
    round % 2 === 0 ? arms : arms.toReversed(),
  )
    .flat()
    .map((target) => ({ spec: ENGINE, entries: [{ target, phases: ['cold'] as const }] }));
  return {
    ...plan,
    backends,
    auditAppend: { ...plan.auditAppend, writerCounts: [] },
    sameDay: true,
    ...(equalRate ? { equalRate } : {}),
  };
}

function featureOff(name: string): TargetSpec {
  const spec = [...FEATURE_OFF, PURPOSE_DECLARED].find((t) => t.name === name);
  if (!spec) {
    const known = [...FEATURE_OFF, PURPOSE_DECLARED].map((t) => t.name).join(', ');
    throw new Error(`--price: ${JSON.stringify(name)} is not a feature-off target (one of ${known})`);
  }
  return spec;
}

export interface PlanOptions {
  readonly quick: boolean;
  /** Seconds of each measured run (default 8, quick 2). */
  readonly durationSeconds?: number;
  /** Minutes of the memory run; absent: no memory run. */
  readonly memoryMinutes?: number;
}

export function benchPlan(options: PlanOptions | boolean): BenchPlan {
  const { quick, durationSeconds, memoryMinutes } =
    typeof options === 'boolean' ? { quick: options } : options;
  const memory = memoryMinutes ? { memory: { minutes: memoryMinutes, share: 0.6 } } : {};
  if (quick) {
    return {
      quick,
      backends: [
        {
          spec: ENGINE,
          entries: [
            ...MAIN.map((target) => ({ target, phases: ['cold', 'rate'] as const })),
            { target: PHYSICAL_LIMIT, phases: ['cold'] as const },
          ],
        },
      ],
      load: { connections: 16, warmupSeconds: 1, durationSeconds: durationSeconds ?? 2 },
      workload: { poolSize: 2_000, requests: 3_000, captured: 300 },
      sloMs: 250,
      rateSteps: [0.5, 1],
      auditAppend: { writerCounts: [1, 2], inFlight: 16 },
      ...memory,
    };
  }
  const scaling = [LIENTHONG_FULL, APOLLO, HIVE].map((t) => ({
    target: withWorkers(t, 2),
    phases: ['cold'] as const,
  }));
  return {
    quick,
    backends: [
      {
        spec: ENGINE,
        entries: [
          ...MAIN.map((target) => ({ target, phases: ALL_PHASES })),
          { target: PHYSICAL_LIMIT, phases: ['cold', 'warm'] as const },
          ...[...FEATURE_OFF, PURPOSE_DECLARED].map((target) => ({ target, phases: ['cold'] as const })),
          ...scaling,
        ],
      },
      { spec: LATENCY, entries: MAIN.map((target) => ({ target, phases: ['cold', 'rate'] as const })) },
      { spec: REDIS, entries: MAIN.map((target) => ({ target, phases: ['cold', 'warm'] as const })) },
    ],
    load: { connections: 50, warmupSeconds: 2, durationSeconds: durationSeconds ?? 8 },
    workload: { poolSize: 20_000, requests: 20_000, captured: 4_000 },
    sloMs: 250,
    rateSteps: [0.4, 0.6, 0.8, 0.9, 1, 1.1, 1.25],
    auditAppend: { writerCounts: [1, 2, 4], inFlight: 64 },
    ...memory,
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
  readonly workload: BenchPlan['workload'] & {
    /** Requests per kind in one workload file (the first built). */
    readonly mix: Record<WorkKind, number>;
    readonly clients: number;
  };
  readonly sloMs: number;
  readonly rateSteps: readonly number[];
  readonly purposeVerification: 'enforce' | 'declared';
  readonly backends: readonly BackendSpec[];
  readonly targets: readonly TargetSpec[];
  readonly auditStore: string;
  readonly measurements: readonly Measurement[];
  readonly memory?: MemoryResult;
  /** Entries that failed (target, backend, reason): the run goes on without their rows. */
  readonly failures?: readonly {
    readonly target: string;
    readonly backend: string;
    readonly reason: string;
  }[];
  /** Records per second one PostgreSQL takes from 1, 2, 4 writers; absent when no PostgreSQL answered. */
  readonly auditAppend?: readonly AppendRate[];
}

interface RunContext {
  readonly plan: BenchPlan;
  readonly dir: string;
  readonly files: TargetFiles;
  readonly keys: BenchKeys;
  readonly backends: Backends;
  readonly log: (line: string) => void;
  readonly measurements: Measurement[];
  mix?: Record<WorkKind, number>;
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
  const database = await createAuditDatabase('run');
  const measurements: Measurement[] = [];
  let purposeVerification: BenchRun['purposeVerification'] = 'declared';
  let mix: Record<WorkKind, number> | undefined;
  let memory: MemoryResult | undefined;
  let auditAppend: AppendRate[] | undefined;
  const failures: { target: string; backend: string; reason: string }[] = [];
  // One entry's failure (a process that would not start, a refused setup request) is reported with
  // the run instead of discarding every figure measured so far.
  const attempt = async (target: string, backend: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0] ?? String(error);
      failures.push({ target, backend, reason });
      log(`${backend} ${target}: FAILED, ${reason}`);
    }
  };
  try {
    for (const { spec, entries } of plan.backends) {
      await using backends = await startBackends(spec, keys, logDir);
      if (backends.onestopUrl) purposeVerification = 'enforce';
      log(`backend ${spec.name}: ${spec.title}; purpose ${backends.onestopUrl ? 'enforced' : 'declared'}`);
      const files: TargetFiles = {
        keys,
        strippedSupergraphFile,
        logDir,
        auditDataDir: join(dir, 'audit'),
        ...(database ? { auditDatabaseUrl: database.url } : {}),
        ...(backends.onestopUrl ? { onestopUrl: backends.onestopUrl } : {}),
      };
      const context: RunContext = { plan, dir, files, keys, backends, log, measurements };
      for (const entry of entries) {
        if (entry.target.kind === 'direct') {
          await attempt(entry.target.name, spec.name, () => measurePhysicalLimit(context, entry.phases));
          continue;
        }
        if (entry.target === PURPOSE_DECLARED && !backends.onestopUrl) {
          log(`${entry.target.name}: skipped, purpose is declared anyway (no one-stop system answers)`);
          continue;
        }
        // Several workers share no in-process audit store: they need the PostgreSQL one.
        if ((entry.target.workers ?? 1) > 1 && entry.target.kind === 'lienthong' && !database) {
          log(`${entry.target.name}: skipped, several lienthong workers need PostgreSQL for the audit`);
          continue;
        }
        await attempt(entry.target.name, spec.name, async () => {
          await using target = await startTarget(entry.target, backends, files);
          await measureTarget(context, target, entry.phases);
        });
        mix ??= context.mix;
      }
      if (plan.memory && spec.name === 'engine') {
        const capacity = measurements.find(
          (m) => m.backend === 'engine' && m.target === LIENTHONG_FULL.name && m.phase === 'cold',
        )?.requestsPerSecond;
        const minutes = plan.memory.minutes;
        const rate = capacity ? Math.max(1, Math.round(capacity * plan.memory.share)) : undefined;
        if (rate)
          await attempt('memory', spec.name, async () => {
            await using target = await startTarget(LIENTHONG_FULL, backends, files);
            const workload = await write(context, 'memory', 'day', dayRequests(context, 'memory'));
            log(`memory: lienthong at ${rate}/s for ${minutes} min`);
            memory = await memoryRun({
              target,
              workload,
              tokens: (await keys.freshTokens()).clients,
              rate,
              minutes,
              log,
            });
          });
      }
    }
    if (database && plan.auditAppend.writerCounts.length > 0) {
      await attempt(AUDIT_APPEND, 'postgres', async () => {
        auditAppend = await measureAppendRates({
          ...plan.auditAppend,
          warmupSeconds: plan.load.warmupSeconds,
          durationSeconds: plan.load.durationSeconds,
          database: createAuditDatabase,
          log,
        });
      });
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
    workload: {
      ...plan.workload,
      mix: mix ?? kindCounts([]),
      clients: BENCH_CLIENTS.length,
    },
    sloMs: plan.sloMs,
    rateSteps: plan.rateSteps,
    purposeVerification,
    backends: plan.backends.map((b) => b.spec),
    targets: [
      ...new Map(plan.backends.flatMap((b) => b.entries.map((e) => [e.target.name, e.target]))).values(),
    ],
    auditStore: database ? 'PostgreSQL (local, database of the run)' : 'PGlite (embedded)',
    measurements,
    ...(memory ? { memory } : {}),
    ...(auditAppend ? { auditAppend } : {}),
    ...(failures.length > 0 ? { failures } : {}),
  };
}

/** A day's requests on a pool of citizens of their own (ids the caches have not seen). */
function dayRequests(context: RunContext, seed: string, requests?: number): WorkRequest[] {
  const day = buildWorkload({
    poolSize: context.plan.workload.poolSize,
    requests: requests ?? context.plan.workload.requests,
    seed: `${context.backends.spec.name}-${seed}`,
  });
  context.mix ??= kindCounts(day);
  return day;
}

async function write(
  context: RunContext,
  seed: string,
  name: WorkloadFile['name'],
  requests: WorkRequest[],
): Promise<WorkloadFile> {
  if (context.backends.onestopUrl) await fileDossiers(context.backends.onestopUrl, requests);
  const file = join(context.dir, `workload-${context.backends.spec.name}-${seed}.json`);
  await writeFile(file, JSON.stringify(requests));
  return { name, file, requests };
}

async function measureTarget(context: RunContext, target: StartedTarget, phases: readonly Phase[]) {
  const { plan, keys, backends, log, measurements } = context;
  const name = target.spec.name;
  // A price A/B gives every arm the same requests; a full run gives each target ids of its own.
  const seedName = plan.sameDay ? 'same' : name;
  const record = (m: Measurement) => {
    measurements.push(m);
    log(line(m));
    return m;
  };
  // The warm-up runs on ids of its own pool, placed after the day's requests in the same file.
  const day = dayRequests(context, `${seedName}-day`);
  const warmup = buildWorkload({
    poolSize: 2_000,
    requests: 2_000,
    seed: `${backends.spec.name}-${seedName}-warmup`,
  });
  const dayFile = await write(context, `${seedName}-day`, 'day', [...day, ...warmup]);
  const base = { target, backends, settings: plan.load };
  /** An open-loop run at `rate` on a day's requests of ids of their own (`seed`), no warm-up. */
  const openLoop = async (seed: string, rate: number) =>
    record(
      await measure({
        ...base,
        settings: { ...plan.load, warmupSeconds: 0 },
        workload: await write(context, seed, 'day', dayRequests(context, seed)),
        tokens: (await keys.freshTokens()).clients,
        phase: 'rate',
        offset: 0,
        rate,
      }),
    );
  let cold: Measurement | undefined;
  if (phases.includes('cold')) {
    cold = record(
      await measure({
        ...base,
        workload: dayFile,
        tokens: (await keys.freshTokens()).clients,
        phase: 'cold',
        offset: 0,
        warmupOffset: day.length,
      }),
    );
  }
  if (plan.equalRate) await openLoop(`${seedName}-equal`, plan.equalRate);
  if (phases.includes('warm') && cold) {
    // The requests the cold run sent, again in the same order (and round again if the run is
    // faster): their records are now in the cache.
    const sent = await write(context, `${name}-warm`, 'day', day.slice(0, Math.max(1, cold.sent)));
    record(
      await measure({
        ...base,
        settings: { ...plan.load, warmupSeconds: 0 },
        workload: sent,
        tokens: (await keys.freshTokens()).clients,
        phase: 'warm',
        offset: 0,
      }),
    );
  }
  if (phases.includes('rate') && cold && cold.requestsPerSecond > 0) {
    for (const [step, share] of plan.rateSteps.entries()) {
      const rate = Math.max(1, Math.round(cold.requestsPerSecond * share));
      const m = await openLoop(`${name}-rate-${step}`, rate);
      if (!sustained(m, plan.sloMs)) break;
    }
  }
  if (phases.includes('identical')) {
    const same = await write(context, `${name}-identical`, 'identical', identicalWorkload(FIXTURES.husband));
    record(
      await measure({
        ...base,
        workload: same,
        tokens: [(await keys.freshTokens()).single],
        phase: 'identical',
        offset: 0,
      }),
    );
  }
}

/**
 * The physical limit: bare @apollo/gateway's subgraph requests for a day's requests, captured on
 * backends of their own (so the ids are cold here), then sent straight to these subgraphs.
 */
async function measurePhysicalLimit(context: RunContext, phases: readonly Phase[]) {
  const { plan, keys, backends, files, log, measurements } = context;
  const day = dayRequests(context, 'physical-limit-day', plan.workload.captured);
  const captureFile = join(context.dir, `captured-${backends.spec.name}.jsonl`);
  {
    await using side = await startBackends(backends.spec, keys, files.logDir);
    await using apollo = await startTarget(APOLLO, side, { ...files, captureFile });
    const captured = await captureWork(
      apollo.graphqlUrl,
      day,
      (await keys.freshTokens()).clients,
      captureFile,
    );
    log(`physical limit: captured the subgraph requests of ${captured} requests`);
  }
  const target = { spec: PHYSICAL_LIMIT, graphqlUrl: backends.subgraphUrls.population, workers: 0 };
  const direct = { subgraphUrls: backends.subgraphUrls, internalKeyFile: keys.files.internal };
  for (const phase of phases.filter((p) => p === 'cold' || p === 'warm')) {
    const m = await measure({
      target,
      backends,
      workload: { name: 'day', file: captureFile, requests: day },
      tokens: [],
      phase,
      // Nothing of a gateway's to warm up: the cold run starts on ids never read.
      settings: { ...plan.load, warmupSeconds: 0 },
      offset: 0,
      direct,
    });
    measurements.push(m);
    log(line(m));
  }
}

/** An open-loop step is sustained when every request was answered with 2xx and p99 is within the SLO. */
export function sustained(m: Measurement, sloMs: number): boolean {
  return m.non2xx === 0 && m.errors === 0 && m.timeouts === 0 && m.p99Ms <= sloMs;
}

function line(m: Measurement): string {
  return `${m.backend} ${m.target} ${m.workload}/${m.phase}${m.targetRate ? `@${m.targetRate}/s` : ''}: ${m.requestsPerSecond} req/s p50 ${m.p50Ms} p90 ${m.p90Ms} p99 ${m.p99Ms} ms, sent ${m.sent}, graphql errors ${m.graphqlErrors} ${JSON.stringify(m.graphqlErrorCodes)}, failures ${m.non2xx + m.errors + m.timeouts}, rss ${m.peakRssMb} MB, subgraph/req ${m.subgraphPerRequest}, upstream/req ${m.upstreamPerRequest}, cache hit ${m.cacheHitRate ?? '-'}, gateway cpu ms/req ${m.gatewayCpuMsPerRequest ?? '-'}${m.check.ok ? '' : `, CHECK FAILED: ${m.check.problem}`}`;
}

/** A database of the run's own on the local PostgreSQL, if there is one; else the audit uses PGlite. */
export async function createAuditDatabase(
  label: string,
): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const base = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `lienthong_bench_${label}_${Date.now().toString(36)}`;
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
