// One measurement: one workload against one running gateway. A request of the workload first checks
// that the gateway answers it correctly (200, data, no errors), then the load generator's process runs
// (warm-up, then the measured run), and the counters of that run are read: the gateway's CPU and peak
// RSS, the subgraph and upstream requests, Redis commands and the record cache's hits.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Backends } from './backends.ts';
import type { LoadResult, LoadSpec } from './loadRun.ts';
import { type MachineCpu, machineCpuOver, sampleCpu } from './machineCpu.ts';
import type { BenchProcess } from './processes.ts';
import type { StartedTarget } from './targets.ts';
import type { WorkRequest } from './workload.ts';

const run = promisify(execFile);

export interface LoadSettings {
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}

/** A workload written to a file for the load process. */
export interface WorkloadFile {
  /** 'day' (the real workload) or 'identical' (one request repeated). */
  readonly name: 'day' | 'identical';
  readonly file: string;
  readonly requests: readonly WorkRequest[];
}

/** What a measured run is: closed loop on fresh ids (cold), the same again (warm), or open loop at a rate. */
export type Phase = 'cold' | 'warm' | 'rate' | 'identical' | 'memory';

export interface Measurement extends LoadResult, Partial<MachineCpu> {
  readonly backend: string;
  readonly target: string;
  readonly workers: number;
  readonly workload: WorkloadFile['name'];
  readonly phase: Phase;
  readonly connections: number;
  /** What the single check request got: bytes of the body, or the first problem. */
  readonly check: { readonly ok: boolean; readonly bytes: number; readonly problem?: string };
  readonly peakRssMb: number | undefined;
  readonly upstreamPerRequest: number;
  readonly redisPerRequest: number | undefined;
  /** Requests the gateway made to subgraphs per operation (the subgraphs' own counters). */
  readonly subgraphPerRequest: number;
  /** The gateway's CPU time (all its processes) per answered request, in ms: steadier than req/s on a shared machine. */
  readonly gatewayCpuMsPerRequest: number | undefined;
  /** Share of the subgraphs' record cache lookups that hit during the run. */
  readonly cacheHitRate: number | undefined;
}

/** What is measured: a started gateway, or (no process) the subgraphs called directly. */
export type MeasuredTarget = Pick<StartedTarget, 'graphqlUrl' | 'workers'> & {
  readonly spec: { readonly name: string };
  readonly process?: BenchProcess;
};

export interface MeasureRequest {
  readonly target: MeasuredTarget;
  readonly backends: Backends;
  readonly workload: WorkloadFile;
  readonly tokens: readonly string[];
  readonly phase: Phase;
  readonly settings: LoadSettings;
  readonly offset: number;
  readonly warmupOffset?: number;
  /** Open loop at this rate; absent: closed loop. */
  readonly rate?: number;
  /** The workload file holds captured subgraph requests to send straight to the subgraphs. */
  readonly direct?: LoadSpec['direct'];
}

export async function measure(m: MeasureRequest): Promise<Measurement> {
  const { target, backends, workload, tokens, settings } = m;
  const check = m.direct ? undefined : await checkOnce(target.graphqlUrl, workload.requests, tokens);
  const spec: LoadSpec = {
    url: target.graphqlUrl,
    workloadFile: workload.file,
    tokens,
    mode: m.rate ? 'open' : 'closed',
    // Open loop: connections enough for a second of arrivals waiting, so the pool rarely queues.
    connections: m.rate ? Math.max(settings.connections, Math.ceil(m.rate)) : settings.connections,
    ...(m.rate ? { rate: m.rate } : {}),
    durationSeconds: settings.durationSeconds,
    offset: m.offset,
    warmupSeconds: settings.warmupSeconds,
    ...(m.warmupOffset !== undefined ? { warmupOffset: m.warmupOffset } : {}),
    ...(m.direct ? { direct: m.direct } : {}),
  };
  // The counters are read around the whole load process: its warm-up is on other ids (or none).
  await target.process?.resetPeak();
  await backends.resetUpstream();
  const redisBefore = await backends.redisCommands();
  const cacheBefore = await backends.cacheLookups();
  const cpuBefore = await target.process?.cpuMs();
  const subgraphBefore = await backends.subgraphRequests();
  const machineBefore = await sampleCpu();
  const { result, warm } = await load(spec);
  const machineAfter = await sampleCpu();
  const cpuAfter = await target.process?.cpuMs();
  const subgraphAfter = await backends.subgraphRequests();
  const upstream = await backends.upstreamRequests();
  const redisAfter = await backends.redisCommands();
  const cacheAfter = await backends.cacheLookups();
  const rss = await target.process?.peakRssKb();
  // Counters cover warm-up and run together; per request divides by both.
  const served = result.ok + result.graphqlErrors + warm;
  const per = (n: number) => (served > 0 ? Math.round((n / served) * 100) / 100 : 0);
  const hits = cacheAfter.hits - cacheBefore.hits;
  const lookups = hits + cacheAfter.misses - cacheBefore.misses;
  return {
    backend: backends.spec.name,
    target: target.spec.name,
    workers: target.workers,
    workload: workload.name,
    phase: m.phase,
    connections: spec.connections,
    ...result,
    // Direct calls have no gateway answer to check: every call must have been answered with 2xx.
    check: check ?? {
      ok: result.non2xx + result.errors + result.timeouts === 0,
      bytes: result.bytesPerResponse,
    },
    peakRssMb: rss === undefined ? undefined : Math.round(rss / 1024),
    upstreamPerRequest: per(upstream),
    subgraphPerRequest: per(subgraphAfter - subgraphBefore),
    redisPerRequest:
      redisBefore === undefined || redisAfter === undefined ? undefined : per(redisAfter - redisBefore),
    gatewayCpuMsPerRequest:
      cpuBefore === undefined || cpuAfter === undefined ? undefined : per(cpuAfter - cpuBefore),
    cacheHitRate: lookups > 0 ? Math.round((hits / lookups) * 1000) / 1000 : undefined,
    ...machineCpuOver(machineBefore, machineAfter, served),
  };
}

/** Runs the load process; `warm` is the requests its warm-up got answered (counted in the counters). */
async function load(spec: LoadSpec): Promise<{ result: LoadResult; warm: number }> {
  const { stdout } = await run(process.execPath, ['bench/loadRun.ts', JSON.stringify(spec)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const lines = stdout.trim().split('\n');
  const result = JSON.parse(lines.at(-1) ?? '{}') as LoadResult;
  const warmup = lines.length > 1 ? (JSON.parse(lines.at(-2) ?? '{}') as Partial<LoadResult>) : {};
  return { result, warm: (warmup.ok ?? 0) + (warmup.graphqlErrors ?? 0) };
}

/** The first read of the workload must come back 200 with data and no errors. */
async function checkOnce(
  url: string,
  requests: readonly WorkRequest[],
  tokens: readonly string[],
): Promise<Measurement['check']> {
  const request = requests.find((r) => r.kind !== 'issueResult') ?? requests[0];
  if (!request) return { ok: false, bytes: 0, problem: 'empty workload' };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokens[request.client] ?? tokens[0]}`,
        'x-procedure-code': request.procedure,
        'x-dossier-id': request.dossier,
      },
      body: request.body,
    });
    const text = await response.text();
    const parsed = JSON.parse(text) as {
      data?: unknown;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    const first = parsed.errors?.[0];
    if (response.status !== 200 || first || !parsed.data) {
      return {
        ok: false,
        bytes: text.length,
        problem: `status ${response.status}${first ? `, ${first.extensions?.code ?? ''} ${first.message.slice(0, 120)}` : ''}`,
      };
    }
    return { ok: true, bytes: Buffer.byteLength(text) };
  } catch (error) {
    return { ok: false, bytes: 0, problem: (error as Error).message };
  }
}
