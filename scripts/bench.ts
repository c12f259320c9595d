// `npm run bench`: lienthong side by side with bare @apollo/gateway, Hive Gateway and Hive Gateway on
// the Rust query planner over the same subgraphs, on the day's workload (bench/workload.ts); writes
// BENCHMARKS.md and bench/results/latest.json. About 20 minutes with the default 8 s runs.
// --quick: a short smoke run (CI checks that it runs, never its figures) written to
// bench/results/quick.json only. --duration=<s>: seconds of each measured run (default 8, quick 2).
// --memory[=<minutes>]: also the memory run (default 10 minutes at 60% of lienthong's capacity).
// --targets=, --backends=, --phases= (comma lists) narrow a run, written to bench/results/partial.json;
// BENCH_CPU_PROF=1 runs lienthong with --cpu-prof, BENCH_KEEP=1 keeps the logs and profiles.
// --price=<feature-off target>[,…] [--rounds=N] [--at=<req/s>]: that feature's price by alternation
// (default 3 rounds), every arm on fresh backends and the same requests; with --at, each arm also runs
// open loop at that rate, to compare CPU per request at equal load. Written to bench/results/price.json.
// --report-only[=<file>] rewrites BENCHMARKS.md from bench/results/latest.json (or <file>).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Phase } from '../bench/measure.ts';
import { priceMarkdown, priceSummary } from '../bench/price.ts';
import { killLiveChildren } from '../bench/processes.ts';
import { benchmarksMarkdown } from '../bench/report.ts';
import { type BenchRun, benchPlan, filterPlan, pricePlan, runBench } from '../bench/runBench.ts';

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killLiveChildren();
    process.exit(130);
  });
}

const resultsDir = join(process.cwd(), 'bench', 'results');
const value = (name: string): string | undefined => {
  const arg = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (arg === undefined) return undefined;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : '';
};
const positive = (name: string, raw: string): number => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`--${name}: expected a positive number, got ${JSON.stringify(raw)}\n`);
    process.exit(64);
  }
  return n;
};

const wholeMinutes = (raw: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2) {
    process.stderr.write(`--memory: expected whole minutes, at least 2, got ${JSON.stringify(raw)}\n`);
    process.exit(64);
  }
  return n;
};

/** The last price A/B, shown in BENCHMARKS.md with the full run (absent: none was run). */
const savedPrice = async (): Promise<BenchRun | undefined> => {
  try {
    return JSON.parse(await readFile(join(resultsDir, 'price.json'), 'utf8')) as BenchRun;
  } catch {
    return undefined;
  }
};

const reportOnly = value('report-only');
if (reportOnly !== undefined) {
  const saved = JSON.parse(await readFile(reportOnly || join(resultsDir, 'latest.json'), 'utf8')) as BenchRun;
  await writeFile(join(process.cwd(), 'BENCHMARKS.md'), benchmarksMarkdown(saved, await savedPrice()));
  process.exit(0);
}

const quick = process.argv.includes('--quick');
const duration = value('duration');
const memory = value('memory');
const list = (name: string) => value(name)?.split(',');
const phases = list('phases') as Phase[] | undefined;
const filter = { targets: list('targets'), backends: list('backends'), phases };
const partial = Boolean(filter.targets || filter.backends || filter.phases);
const plan = benchPlan({
  quick,
  ...(duration ? { durationSeconds: positive('duration', duration) } : {}),
  ...(memory !== undefined ? { memoryMinutes: memory ? wholeMinutes(memory) : 10 } : {}),
});
const price = list('price');
const rounds = value('rounds');
const at = value('at');
let chosen = filterPlan(plan, filter);
if (price) {
  try {
    chosen = pricePlan(
      plan,
      price,
      rounds ? positive('rounds', rounds) : 3,
      at ? positive('at', at) : undefined,
    );
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(64);
  }
}
const run = await runBench(chosen, (line) => process.stdout.write(`${line}\n`));
await mkdir(resultsDir, { recursive: true });
const json = `${JSON.stringify(run, null, 2)}\n`;
if (price) {
  await writeFile(join(resultsDir, 'price.json'), json);
  process.stdout.write(`\n${priceMarkdown(priceSummary(run.measurements)).join('\n')}\n`);
} else if (quick || partial) {
  // A smoke or partial run never replaces the published figures.
  await writeFile(join(resultsDir, quick ? 'quick.json' : 'partial.json'), json);
  process.stdout.write(`\n${benchmarksMarkdown(run)}\n`);
} else {
  await writeFile(join(resultsDir, 'latest.json'), json);
  await writeFile(join(process.cwd(), 'BENCHMARKS.md'), benchmarksMarkdown(run, await savedPrice()));
  process.stdout.write('wrote BENCHMARKS.md and bench/results/latest.json\n');
}
// Figures were written either way; a run with failed entries still exits 1 and names them.
for (const f of run.failures ?? [])
  process.stderr.write(`not measured: ${f.target} (${f.backend}): ${f.reason}\n`);
process.exit(run.failures?.length ? 1 : 0);
