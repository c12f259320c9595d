// One measurement: one operation against one running gateway. A single request first checks that the
// gateway answers it correctly (200, data, no errors), then a warm-up, then the measured run in the
// load generator's own process, with the upstream requests, Redis commands and peak RSS of that run.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Backends } from './backends.ts';
import { BENCH_DOSSIER, BENCH_PROCEDURE } from './benchKeys.ts';
import type { LoadResult, LoadSpec } from './loadRun.ts';
import { type BenchOperation, requestBody } from './operations.ts';
import type { StartedTarget } from './targets.ts';

const run = promisify(execFile);

export interface LoadSettings {
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}

export interface Measurement extends LoadResult {
  readonly backend: string;
  readonly target: string;
  readonly operation: string;
  readonly mode: 'closed' | 'rate';
  readonly connections: number;
  readonly overallRate?: number;
  /** What the single check request got: bytes of the body, or the first problem. */
  readonly check: { readonly ok: boolean; readonly bytes: number; readonly problem?: string };
  readonly peakRssMb: number | undefined;
  readonly upstreamPerRequest: number;
  readonly redisPerRequest: number | undefined;
  /** Requests the gateway made to subgraphs per operation (the subgraphs' own counters). */
  readonly subgraphPerRequest: number;
  /** The gateway process's CPU time per request over the measured run, in ms: less noisy than req/s on a shared machine. */
  readonly gatewayCpuMsPerRequest: number | undefined;
}

export function headersFor(token: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    authorization: `Bearer ${token}`,
    'x-procedure-code': BENCH_PROCEDURE,
    'x-dossier-id': BENCH_DOSSIER,
  };
}

export async function measure(
  target: StartedTarget,
  backends: Backends,
  operation: BenchOperation,
  token: string,
  settings: LoadSettings,
  overallRate?: number,
): Promise<Measurement> {
  const headers = headersFor(token);
  const body = requestBody(operation);
  const check = await checkOnce(target.graphqlUrl, headers, body);
  const spec: LoadSpec = {
    url: target.graphqlUrl,
    headers,
    body,
    connections: overallRate
      ? Math.max(settings.connections, Math.ceil(overallRate / 10))
      : settings.connections,
    durationSeconds: settings.durationSeconds,
    warmupSeconds: 0,
    ...(overallRate ? { overallRate } : {}),
  };
  if (settings.warmupSeconds > 0) await load({ ...spec, durationSeconds: settings.warmupSeconds });
  await target.process.resetPeak();
  await backends.resetUpstream();
  const redisBefore = await backends.redisCommands();
  const cpuBefore = await target.process.cpuMs();
  const subgraphBefore = await backends.subgraphRequests();
  const result = await load(spec);
  const cpuAfter = await target.process.cpuMs();
  const subgraphAfter = await backends.subgraphRequests();
  const upstream = await backends.upstreamRequests();
  const redisAfter = await backends.redisCommands();
  const rss = await target.process.peakRssKb();
  const per = (n: number) => (result.requests > 0 ? Math.round((n / result.requests) * 100) / 100 : 0);
  return {
    backend: backends.spec.name,
    target: target.spec.name,
    operation: operation.name,
    mode: overallRate ? 'rate' : 'closed',
    connections: spec.connections,
    ...(overallRate ? { overallRate } : {}),
    ...result,
    check,
    peakRssMb: rss === undefined ? undefined : Math.round(rss / 1024),
    upstreamPerRequest: per(upstream),
    subgraphPerRequest: per(subgraphAfter - subgraphBefore),
    redisPerRequest:
      redisBefore === undefined || redisAfter === undefined ? undefined : per(redisAfter - redisBefore),
    gatewayCpuMsPerRequest:
      cpuBefore === undefined || cpuAfter === undefined ? undefined : per(cpuAfter - cpuBefore),
  };
}

async function load(spec: LoadSpec): Promise<LoadResult> {
  const { stdout } = await run(process.execPath, ['bench/loadRun.ts', JSON.stringify(spec)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as LoadResult;
}

async function checkOnce(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<Measurement['check']> {
  try {
    const response = await fetch(url, { method: 'POST', headers, body });
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
