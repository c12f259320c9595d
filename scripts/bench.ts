// `npm run bench`: lienthong side by side with bare @apollo/gateway and Hive Gateway over the same
// subgraphs; writes BENCHMARKS.md and bench/results/latest.json. `npm run bench -- --quick`: a short
// smoke run (CI checks that it runs, never its figures) written to bench/results/quick.json only.
// --targets=, --ops=, --backends= (comma lists) narrow a run, written to bench/results/partial.json;
// BENCH_CPU_PROF=1 runs lienthong with --cpu-prof, BENCH_KEEP=1 keeps the logs and profiles.
// --report-only rewrites BENCHMARKS.md from bench/results/latest.json (after editing bench/NOTES.md).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { killLiveChildren } from '../bench/processes.ts';
import { benchmarksMarkdown } from '../bench/report.ts';
import { type BenchRun, benchPlan, filterPlan, runBench } from '../bench/runBench.ts';

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killLiveChildren();
    process.exit(130);
  });
}

const resultsDir = join(process.cwd(), 'bench', 'results');
if (process.argv.includes('--report-only')) {
  const saved = JSON.parse(await readFile(join(resultsDir, 'latest.json'), 'utf8')) as BenchRun;
  await writeFile(join(process.cwd(), 'BENCHMARKS.md'), benchmarksMarkdown(saved));
  process.exit(0);
}

const quick = process.argv.includes('--quick');
const option = (name: string) =>
  process.argv
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',');
const filter = { targets: option('targets'), operations: option('ops'), backends: option('backends') };
const partial = Boolean(filter.targets || filter.operations || filter.backends);
const run = await runBench(filterPlan(benchPlan(quick), filter), (line) => process.stdout.write(`${line}\n`));
await mkdir(resultsDir, { recursive: true });
const json = `${JSON.stringify(run, null, 2)}\n`;
if (quick || partial) {
  // A smoke or partial run never replaces the published figures.
  await writeFile(join(resultsDir, quick ? 'quick.json' : 'partial.json'), json);
  process.stdout.write(`\n${benchmarksMarkdown(run)}\n`);
} else {
  await writeFile(join(resultsDir, 'latest.json'), json);
  await writeFile(join(process.cwd(), 'BENCHMARKS.md'), benchmarksMarkdown(run));
  process.stdout.write('wrote BENCHMARKS.md and bench/results/latest.json\n');
}
process.exit(0);
