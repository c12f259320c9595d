// BENCHMARKS.md from a run's numbers: the headline is the day's workload, never the identical-request
// row however fast it is; the open-loop figure is the highest rate held with every request answered
// and p99 within the SLO; a smoke run says so.
import { describe, expect, it } from 'vitest';
import type { Measurement } from '../../bench/measure.ts';
import { benchmarksMarkdown, maxSustained } from '../../bench/report.ts';
import { type BenchRun, benchPlan } from '../../bench/runBench.ts';
import { kindCounts } from '../../bench/workload.ts';
import { measurement } from '../support/benchMeasurement.ts';

const plan = benchPlan(false);
function run(measurements: Measurement[], quick = false): BenchRun {
  return {
    startedAt: '2026-12-01T00:00:00.000Z',
    finishedAt: '2026-12-01T00:20:00.000Z',
    quick,
    machine: {
      cpus: 2,
      cpuModel: 'test',
      loadBefore: [0.1, 0.1, 0.1],
      loadAfter: [0.2, 0.2, 0.2],
      node: 'v24',
    },
    load: plan.load,
    workload: { ...plan.workload, mix: kindCounts([]), clients: 4 },
    sloMs: 250,
    rateSteps: plan.rateSteps,
    purposeVerification: 'declared',
    backends: plan.backends.map((b) => b.spec),
    targets: [],
    auditStore: 'PostgreSQL',
    measurements,
  };
}

const headlineRow = (markdown: string, target: string) => {
  const section = markdown.slice(
    markdown.indexOf('## Headline'),
    markdown.indexOf('\n## ', markdown.indexOf('## Headline') + 1),
  );
  return section.split('\n').find((l) => l.startsWith(`| ${target} |`));
};

describe('BENCHMARKS.md', () => {
  it('heads with the day’s workload, never the identical-request row, which it labels as comparison only', () => {
    const markdown = benchmarksMarkdown(
      run([
        measurement({ requestsPerSecond: 80 }),
        measurement({ phase: 'identical', workload: 'identical', requestsPerSecond: 900 }),
        measurement({ target: 'apollo-gateway', requestsPerSecond: 100 }),
      ]),
    );
    expect(headlineRow(markdown, 'lienthong')).toContain('| 80 | 0.80× |');
    expect(headlineRow(markdown, 'lienthong')).not.toContain('900');
    expect(markdown).toContain('## For comparison only: one identical request repeated (not real traffic)');
    expect(markdown).toContain('lienthong is behind on this workload');
  });

  it('holds the highest open-loop rate with every request answered and p99 within the SLO', () => {
    const rows = [
      measurement({ phase: 'rate', mode: 'open', targetRate: 40, p99Ms: 100 }),
      measurement({ phase: 'rate', mode: 'open', targetRate: 60, p99Ms: 240 }),
      measurement({ phase: 'rate', mode: 'open', targetRate: 80, p99Ms: 200, timeouts: 1 }),
      measurement({ phase: 'rate', mode: 'open', targetRate: 100, p99Ms: 400 }),
    ];
    expect(maxSustained(rows, 'lienthong', 250)).toBe(60);
    expect(maxSustained(rows, 'lienthong', 50)).toBeUndefined();
    expect(headlineRow(benchmarksMarkdown(run([measurement({}), ...rows])), 'lienthong')).toContain(
      '| 60/s |',
    );
  });

  it('marks a smoke run as one whose figures mean nothing', () => {
    expect(benchmarksMarkdown(run([measurement({})], true))).toContain('smoke run: figures not meaningful');
  });

  it('gives the audit append rate per writer count against one writer, and says when a log came back broken', () => {
    const rate = (writers: number, recordsPerSecond: number, ok = true) => ({
      writers,
      inFlight: 64,
      recordsPerSecond,
      failed: 0,
      writerCpuMsPerRecord: 0.2,
      verified: { ok, records: recordsPerSecond * 10, checkpoints: 12 },
    });
    const markdown = benchmarksMarkdown({
      ...run([measurement({})]),
      auditAppend: [rate(1, 4000), rate(2, 6000), rate(4, 7000, false)],
    });
    expect(markdown).toContain('| 2 | 6000 | 1.5 | 0 | 0.2 | intact (60000 records, 12 checkpoints) |');
    expect(markdown).toContain('| 4 | 7000 | 1.75 | 0 | 0.2 | **broken** (70000 records, 12 checkpoints) |');
  });

  it('names every entry that could not be measured at the top', () => {
    const markdown = benchmarksMarkdown({
      ...run([measurement({})]),
      failures: [{ target: 'hive-gateway', backend: 'redis', reason: 'exited with 1 before ready' }],
    });
    expect(markdown.split('\n').slice(0, 4).join('\n')).toContain(
      '**Not measured: hive-gateway (redis backend) failed: exited with 1 before ready.**',
    );
  });

  it('shows the last price A/B after the one-run-each feature prices, with its command and each round', () => {
    const price = run([
      measurement({ requestsPerSecond: 170, machineCpuMsPerRequest: 12 }),
      measurement({
        target: 'lienthong-no-audit-attestation',
        requestsPerSecond: 200,
        machineCpuMsPerRequest: 10,
      }),
      measurement({ requestsPerSecond: 180, machineCpuMsPerRequest: 11 }),
      measurement({
        target: 'lienthong-no-audit-attestation',
        requestsPerSecond: 190,
        machineCpuMsPerRequest: 10.5,
      }),
    ]);
    const markdown = benchmarksMarkdown(run([measurement({})]), price);
    expect(markdown).toContain('--price=lienthong-no-audit-attestation --rounds=2');
    expect(markdown).toContain('| lienthong-no-audit-attestation | 2 | 200, 190 | 195 | 10.3% |');
    expect(benchmarksMarkdown(run([measurement({})]))).not.toContain('## A feature’s price by alternation');
  });
});
