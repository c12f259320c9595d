// `npm run bench`: lienthong side by side with bare @apollo/gateway and Hive Gateway over the same
// subgraphs; writes BENCHMARKS.md and bench/results/latest.json. `npm run bench -- --quick`: a short
// smoke run (CI checks that it runs, never its figures) written to bench/results/quick.json only.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchmarksMarkdown } from '../bench/report.ts';
import { benchPlan, runBench } from '../bench/runBench.ts';

const quick = process.argv.includes('--quick');
const run = await runBench(benchPlan(quick), (line) => process.stdout.write(`${line}\n`));
const resultsDir = join(process.cwd(), 'bench', 'results');
await mkdir(resultsDir, { recursive: true });
const json = `${JSON.stringify(run, null, 2)}\n`;
if (quick) {
  await writeFile(join(resultsDir, 'quick.json'), json);
  process.stdout.write(`\n${benchmarksMarkdown(run)}\n`);
} else {
  await writeFile(join(resultsDir, 'latest.json'), json);
  await writeFile(join(process.cwd(), 'BENCHMARKS.md'), benchmarksMarkdown(run));
  process.stdout.write('wrote BENCHMARKS.md and bench/results/latest.json\n');
}
process.exit(0);
