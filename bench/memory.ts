// Memory over time (`npm run bench -- --memory[=minutes]`): lienthong driven open-loop at a share of
// its measured capacity for several minutes while its RSS is sampled every 5 s. The verdict reads the
// per-minute medians, which a single garbage-collection peak does not move: a heap that keeps growing
// shows as medians that rise minute after minute.
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { LoadResult, LoadSpec } from './loadRun.ts';
import type { MeasuredTarget, WorkloadFile } from './measure.ts';
import type { BenchProcess } from './processes.ts';

const run = promisify(execFile);

export interface MemoryResult {
  readonly rate: number;
  readonly minutes: number;
  /** Median RSS of each minute, MB. */
  readonly medianRssMbPerMinute: readonly number[];
  /** Last minute's median over the second minute's (the first holds the start-up growth). */
  readonly growth: number;
  readonly verdict: 'flat' | 'levelled' | 'growing';
  readonly load: LoadResult;
}

export async function memoryRun(options: {
  target: MeasuredTarget & { readonly process: BenchProcess };
  workload: WorkloadFile;
  tokens: readonly string[];
  rate: number;
  minutes: number;
  log: (line: string) => void;
  /** Length of a "minute" in seconds: 60, shorter only to test this function. Sampled 12 times each. */
  minuteSeconds?: number;
}): Promise<MemoryResult> {
  const minuteMs = (options.minuteSeconds ?? 60) * 1000;
  const spec: LoadSpec = {
    url: options.target.graphqlUrl,
    workloadFile: options.workload.file,
    tokens: options.tokens,
    mode: 'open',
    connections: Math.max(50, options.rate),
    rate: options.rate,
    durationSeconds: (options.minutes * minuteMs) / 1000,
    offset: 0,
    warmupSeconds: 0,
  };
  const loading = run(process.execPath, ['bench/loadRun.ts', JSON.stringify(spec)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const samples: number[][] = Array.from({ length: options.minutes }, () => []);
  const started = performance.now();
  for (;;) {
    await sleep(minuteMs / 12);
    const minute = Math.floor((performance.now() - started) / minuteMs);
    if (minute >= options.minutes) break;
    const kb = await options.target.process.rssKb();
    if (kb !== undefined) samples[minute]!.push(kb / 1024);
  }
  const { stdout } = await loading;
  const load = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as LoadResult;
  const medians = samples.map((s) => Math.round(median(s)));
  options.log(`memory: median RSS per minute ${medians.join(', ')} MB`);
  return {
    rate: options.rate,
    minutes: options.minutes,
    ...verdict(medians),
    medianRssMbPerMinute: medians,
    load,
  };
}

/**
 * Flat when the last minute's median is within 10% of the second minute's; levelled when it rose more
 * than that but the last three minutes' medians stay within 2% of one another (bounded caches that
 * filled, then held); growing when it is still rising at the end. A leak slower than about 1% of RSS
 * per minute needs a longer run to show.
 */
export function verdict(medians: readonly number[]): Pick<MemoryResult, 'growth' | 'verdict'> {
  const reference = medians[Math.min(1, medians.length - 1)] ?? 0;
  const last = medians.at(-1) ?? 0;
  const growth = reference > 0 ? Math.round((last / reference) * 1000) / 1000 : 1;
  if (growth <= 1.1) return { growth, verdict: 'flat' };
  const tail = medians.slice(-3);
  const levelled = tail.length === 3 && Math.max(...tail) <= Math.min(...tail) * 1.02;
  return { growth, verdict: levelled ? 'levelled' : 'growing' };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
