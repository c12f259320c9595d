// BENCHMARKS.md from a run's raw numbers: method, machine, versions, one table per backend and
// operation with ratios to bare @apollo/gateway and to Hive Gateway, the price of each feature, and
// the targets of issue 8 checked. Notes written by hand live in bench/NOTES.md and are appended.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Measurement } from './measure.ts';
import { OPERATIONS } from './operations.ts';
import type { BenchRun } from './runBench.ts';

const VERSIONED = [
  '@apollo/gateway',
  '@apollo/server',
  '@graphql-hive/gateway',
  'graphql',
  'autocannon',
  'undici',
];

export function benchmarksMarkdown(run: BenchRun): string {
  const out: string[] = [];
  out.push('# Benchmarks', '');
  out.push(
    `Written by \`npm run bench\`${run.quick ? ' --quick (smoke run: figures not meaningful)' : ''} on ${run.finishedAt.slice(0, 10)}; raw numbers in \`bench/results/latest.json\`.`,
    '',
  );
  out.push('## Method', '');
  out.push(
    '- Mocks (one process), five subgraphs (one process each) and the gateway under test (one process, one worker) are started by the harness on ports of its own; every gateway is driven over the same subgraphs and the same supergraph (the peers get it with the security features stripped).',
    `- Load: autocannon in its own process, POST with a bearer token and purpose headers; ${run.load.connections} connections for ${run.load.durationSeconds} s after a ${run.load.warmupSeconds} s warm-up (closed loop, "req/s"), then for latency a fixed arrival rate (autocannon \`overallRate\`) of ${Math.round(run.rateShare * 100)}% of the slowest main gateway's closed-loop throughput on that operation ("@ rate" rows).`,
    '- Before each run one request checks the answer (200, data, no errors); a gateway that fails it is marked.',
    "- Peak RSS: the gateway process's VmHWM, reset before each measured run (`/proc/<pid>/clear_refs`). Upstream requests per operation: the mocks' `/__admin/stats` over the measured run. Redis round trips per operation: `INFO commandstats` of the harness's own redis-server over the measured run.",
    "- The peers reach the subgraphs, which trust only lienthong's internal tokens, with **internal tokens signed by the harness with the internal key and re-signed every 10 s** (the token lives 30 s), sent as a header per subgraph (`bench/peers/peerTokens.ts`); the subgraphs' trust settings are the production ones. lienthong signs its own per request, as in production.",
    '- Feature prices: lienthong with `LIENTHONG_BENCH=1 BENCH_DISABLE_FEATURES=<feature>`; the gateway refuses `BENCH_DISABLE_FEATURES` without `LIENTHONG_BENCH=1`.',
    `- Every component logs at \`warn\`; lienthong's audit store: ${run.auditStore}.`,
    '',
  );
  out.push('## Machine and versions', '');
  out.push(
    `- ${run.machine.cpus} × ${run.machine.cpuModel}; Node ${run.machine.node}; load average before ${run.machine.loadBefore.join(' / ')}, after ${run.machine.loadAfter.join(' / ')} (1 / 5 / 15 min).`,
    `- ${VERSIONED.map((name) => `${name} ${versionOf(name)}`).join(', ')}.`,
    `- Run from ${run.startedAt} to ${run.finishedAt}.`,
    '',
  );
  for (const backend of run.backends) {
    out.push(`## ${backend.name}: ${backend.title}`, '');
    for (const operation of OPERATIONS) {
      const rows = run.measurements.filter(
        (m) => m.backend === backend.name && m.operation === operation.name,
      );
      if (rows.length === 0) continue;
      out.push(`### ${operation.title} (\`${operation.name}\`, ${kb(rows[0]?.check.bytes)} response)`, '');
      out.push(
        '| gateway | run | req/s | × apollo | × hive | p50 ms | p95 ms | p99 ms | errors | peak RSS MB | gateway CPU ms/op | subgraph req/op | upstream/op | Redis/op |',
        '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      );
      const ref = (target: string, mode: string) => rows.find((m) => m.target === target && m.mode === mode);
      for (const m of rows) {
        const apollo = ref('apollo-gateway', m.mode);
        const hive = ref('hive-gateway', m.mode);
        out.push(
          `| ${m.target}${m.check.ok ? '' : ' ⚠'} | ${m.mode === 'rate' ? `@ ${m.overallRate}/s` : `${m.connections} conn`} | ${m.requestsPerSecond} | ${ratio(m, apollo)} | ${ratio(m, hive)} | ${m.p50Ms} | ${m.p95Ms} | ${m.p99Ms} | ${m.non2xx + m.errors + m.timeouts} | ${m.peakRssMb ?? '–'} | ${m.gatewayCpuMsPerRequest ?? '–'} | ${m.subgraphPerRequest} | ${m.upstreamPerRequest} | ${m.redisPerRequest ?? '–'} |`,
        );
      }
      const failed = rows.filter((m) => !m.check.ok);
      for (const m of failed) out.push('', `⚠ ${m.target}: the check request got ${m.check.problem}.`);
      out.push('');
    }
  }
  out.push(...featurePrices(run));
  out.push(...targetsMet(run));
  try {
    out.push(readFileSync(join(process.cwd(), 'bench', 'NOTES.md'), 'utf8'));
  } catch {
    // no notes yet
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function featurePrices(run: BenchRun): string[] {
  const closed = run.measurements.filter((m) => m.backend === 'engine' && m.mode === 'closed');
  const offTargets = [...new Set(closed.map((m) => m.target).filter((t) => t.startsWith('lienthong-no-')))];
  if (offTargets.length === 0) return [];
  const out = ['## What each feature costs (engine backend, closed loop)', ''];
  out.push(
    'Price = 1 − (req/s with everything on) / (req/s with the feature off): the share of throughput the feature takes.',
    '',
    `| feature off | ${OPERATIONS.map((o) => o.name).join(' | ')} |`,
    `|---|${OPERATIONS.map(() => '---:').join('|')}|`,
  );
  for (const target of offTargets) {
    const cells = OPERATIONS.map((o) => {
      const full = closed.find((m) => m.target === 'lienthong' && m.operation === o.name);
      const off = closed.find((m) => m.target === target && m.operation === o.name);
      if (!full || !off || off.requestsPerSecond === 0) return '–';
      return `${Math.round((1 - full.requestsPerSecond / off.requestsPerSecond) * 1000) / 10}% (${off.requestsPerSecond} req/s)`;
    });
    out.push(`| ${target.replace('lienthong-no-', '').replaceAll('-', ' + ')} | ${cells.join(' | ')} |`);
  }
  out.push('');
  return out;
}

function targetsMet(run: BenchRun): string[] {
  const out = ['## Issue 8 targets (engine backend, 1 worker each)', ''];
  out.push(
    '| operation | lienthong ÷ Hive (req/s) | lienthong ÷ apollo (req/s) | p99 at fixed rate: lienthong / Hive ms |',
    '|---|---:|---:|---:|',
  );
  for (const name of ['fullProfile', 'largeResponse']) {
    const get = (target: string, mode: string) =>
      run.measurements.find(
        (m) => m.backend === 'engine' && m.operation === name && m.target === target && m.mode === mode,
      );
    const l = get('lienthong', 'closed');
    if (!l) continue;
    const lr = get('lienthong', 'rate');
    const hr = get('hive-gateway', 'rate');
    out.push(
      `| ${name} | ${ratio(l, get('hive-gateway', 'closed'))} | ${ratio(l, get('apollo-gateway', 'closed'))} | ${lr?.p99Ms ?? '–'} / ${hr?.p99Ms ?? '–'} |`,
    );
  }
  out.push('');
  return out;
}

function ratio(m: Measurement, ref: Measurement | undefined): string {
  if (!ref || ref.requestsPerSecond === 0) return '–';
  return `${(m.requestsPerSecond / ref.requestsPerSecond).toFixed(2)}×`;
}

function kb(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / 1024).toFixed(1)} KB`;
}

function versionOf(name: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(process.cwd(), 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return '?';
  }
}
