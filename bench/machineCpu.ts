// The whole machine's CPU over a run, from /proc/stat, and PostgreSQL's share of it (every process
// named `postgres`). Below saturation (open loop at one rate) the CPU each request costs in all
// processes together is the configuration's own; with the cores full it is only the inverse of
// throughput, and the idle share says which of the two a run was.
import { readdir, readFile } from 'node:fs/promises';
import { cpuMsOf } from './processes.ts';

export interface CpuSample {
  /** Busy time of all cores, ms. */
  readonly busyMs: number;
  /** Idle and iowait time of all cores, ms. */
  readonly idleMs: number;
  /** CPU time of the PostgreSQL server's processes, ms (those alive at the sample). */
  readonly postgresMs: number;
}

const TICK_MS = 10;

export async function sampleCpu(): Promise<CpuSample> {
  const stat = await readFile('/proc/stat', 'utf8');
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice
  const fields = stat.slice(0, stat.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  return {
    busyMs: (user + nice + system + irq + softirq + steal) * TICK_MS,
    idleMs: (idle + iowait) * TICK_MS,
    postgresMs: await postgresMs(),
  };
}

export async function postgresMs(): Promise<number> {
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const name = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '');
    if (name.trim() === 'postgres') total += (await cpuMsOf(Number(entry))) ?? 0;
  }
  return total;
}

export interface MachineCpu {
  /** Busy CPU of the whole machine per answered request, ms. */
  readonly machineCpuMsPerRequest: number;
  /** PostgreSQL's CPU per answered request, ms; approximate when its backends came or went. */
  readonly postgresCpuMsPerRequest: number;
  /** Share of the cores' time that was idle during the run. */
  readonly idleShare: number;
}

export function machineCpuOver(before: CpuSample, after: CpuSample, served: number): MachineCpu {
  const busy = after.busyMs - before.busyMs;
  const idle = after.idleMs - before.idleMs;
  const per = (ms: number) => (served > 0 ? Math.round((ms / served) * 1000) / 1000 : 0);
  return {
    machineCpuMsPerRequest: per(busy),
    postgresCpuMsPerRequest: per(Math.max(0, after.postgresMs - before.postgresMs)),
    idleShare: busy + idle > 0 ? Math.round((idle / (busy + idle)) * 1000) / 1000 : 0,
  };
}
