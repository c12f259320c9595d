// The summary of a price A/B (`npm run bench -- --price=<target>[,…] --rounds=N`): per arm, the
// median over the rounds of req/s and of CPU per request, and each feature's price two ways: in
// throughput, and in the whole machine's CPU per request, the steadier of the two while the run
// fills the cores.
import type { Measurement } from './measure.ts';
import { LIENTHONG_FULL } from './targets.ts';

/** CPU per request of one arm run open loop at the equal rate (`--at`). */
export interface EqualLoad {
  readonly rate: number;
  readonly machineCpuMs: number | undefined;
  readonly gatewayCpuMs: number | undefined;
  readonly postgresCpuMs: number | undefined;
  readonly idleShare: number | undefined;
  readonly p99Ms: number | undefined;
}

export interface ArmSummary {
  readonly target: string;
  readonly rounds: number;
  readonly requestsPerSecond: readonly number[];
  readonly medianRequestsPerSecond: number;
  readonly medianMachineCpuMs: number | undefined;
  readonly medianGatewayCpuMs: number | undefined;
  readonly medianPostgresCpuMs: number | undefined;
  /** 1 − (everything on) / (this arm), in throughput; absent for everything on. */
  readonly price?: number;
  /** 1 − (this arm's machine CPU per request) / (everything on's), at equal load when measured. */
  readonly cpuPrice?: number;
  readonly equalLoad?: EqualLoad;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = values.toSorted((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (n: number | undefined, places: number) =>
  n === undefined ? undefined : Math.round(n * 10 ** places) / 10 ** places;

export function priceSummary(measurements: readonly Measurement[]): ArmSummary[] {
  const arms = new Map<string, Measurement[]>();
  const equal = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const into = m.phase === 'cold' ? arms : m.phase === 'rate' ? equal : undefined;
    into?.set(m.target, [...(into.get(m.target) ?? []), m]);
  }
  /** The median of one figure over runs, rounded to `places` decimals. */
  const medianOf = (runs: readonly Measurement[], pick: (m: Measurement) => number | undefined, places = 3) =>
    round(median(runs.map(pick).filter((n): n is number => n !== undefined)), places);
  const equalLoad = (target: string): EqualLoad | undefined => {
    const runs = equal.get(target);
    if (!runs?.length) return undefined;
    return {
      rate: runs[0]?.targetRate ?? 0,
      machineCpuMs: medianOf(runs, (m) => m.machineCpuMsPerRequest),
      gatewayCpuMs: medianOf(runs, (m) => m.gatewayCpuMsPerRequest),
      postgresCpuMs: medianOf(runs, (m) => m.postgresCpuMsPerRequest),
      idleShare: medianOf(runs, (m) => m.idleShare),
      p99Ms: medianOf(runs, (m) => m.p99Ms, 1),
    };
  };
  const summarize = (target: string, runs: readonly Measurement[]) => {
    const load = equalLoad(target);
    return {
      target,
      rounds: runs.length,
      requestsPerSecond: runs.map((m) => m.requestsPerSecond),
      medianRequestsPerSecond: medianOf(runs, (m) => m.requestsPerSecond, 2) ?? 0,
      medianMachineCpuMs: medianOf(runs, (m) => m.machineCpuMsPerRequest),
      medianGatewayCpuMs: medianOf(runs, (m) => m.gatewayCpuMsPerRequest),
      medianPostgresCpuMs: medianOf(runs, (m) => m.postgresCpuMsPerRequest),
      ...(load ? { equalLoad: load } : {}),
    };
  };
  const full = arms.get(LIENTHONG_FULL.name);
  if (!full) return [...arms].map(([target, runs]) => summarize(target, runs));
  const on = summarize(LIENTHONG_FULL.name, full);
  const out: ArmSummary[] = [on];
  for (const [target, runs] of arms) {
    if (target === LIENTHONG_FULL.name) continue;
    const off = summarize(target, runs);
    // At equal load the machine has idle time, so CPU per request is each arm's own; saturated (the
    // closed-loop runs), it is only the inverse of throughput.
    const onCpu = on.equalLoad?.machineCpuMs ?? on.medianMachineCpuMs;
    const offCpu = off.equalLoad?.machineCpuMs ?? off.medianMachineCpuMs;
    out.push({
      ...off,
      price: round(1 - on.medianRequestsPerSecond / off.medianRequestsPerSecond, 3),
      ...(onCpu !== undefined && offCpu !== undefined ? { cpuPrice: round(1 - offCpu / onCpu, 3) } : {}),
    });
  }
  return out;
}

const pct = (n: number | undefined) => (n === undefined ? '–' : `${Math.round(n * 1000) / 10}%`);

export function priceMarkdown(arms: readonly ArmSummary[]): string[] {
  const equal = arms.filter((a) => a.equalLoad);
  const equalRows =
    equal.length === 0
      ? []
      : [
          '',
          `Open loop at ${equal[0]?.equalLoad?.rate} req/s, every arm (medians):`,
          '',
          '| arm | machine CPU ms/req | gateway CPU ms/req | PostgreSQL CPU ms/req | idle | p99 ms |',
          '|---|---:|---:|---:|---:|---:|',
          ...equal.map(
            (a) =>
              `| ${a.target} | ${a.equalLoad?.machineCpuMs ?? '–'} | ${a.equalLoad?.gatewayCpuMs ?? '–'} | ${a.equalLoad?.postgresCpuMs ?? '–'} | ${pct(a.equalLoad?.idleShare)} | ${a.equalLoad?.p99Ms ?? '–'} |`,
          ),
        ];
  return [
    '| arm | rounds | req/s (each round) | median req/s | price | machine CPU ms/req | price in CPU | gateway CPU ms/req | PostgreSQL CPU ms/req |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|',
    ...arms.map(
      (a) =>
        `| ${a.target} | ${a.rounds} | ${a.requestsPerSecond.join(', ')} | ${a.medianRequestsPerSecond} | ${pct(a.price)} | ${a.medianMachineCpuMs ?? '–'} | ${pct(a.cpuPrice)} | ${a.medianGatewayCpuMs ?? '–'} | ${a.medianPostgresCpuMs ?? '–'} |`,
    ),
    ...equalRows,
  ];
}
