// The benchmark harness end to end on its smallest configuration: mocks, subgraphs and lienthong as
// processes, the day's workload driven closed-loop for a second, then one open-loop step, and the audit
// log's append rate with 1 and 2 writers. Checks that it runs and measures, never the figures.
import { describe, expect, it } from 'vitest';
import { benchPlan, filterPlan, runBench } from '../../bench/runBench.ts';

describe('npm run bench harness', () => {
  it('measures lienthong on the day’s workload, closed and open loop, with correct answers and no failures', async () => {
    const quick = benchPlan(true);
    const plan = filterPlan(
      {
        ...quick,
        load: { connections: 2, warmupSeconds: 0, durationSeconds: 1 },
        workload: { poolSize: 200, requests: 300, captured: 50 },
        rateSteps: [0.5],
      },
      { targets: ['lienthong', 'audit-append'] },
    );
    const run = await runBench(plan, () => {});
    const cold = run.measurements.find((m) => m.phase === 'cold');
    expect(cold).toMatchObject({ target: 'lienthong', workload: 'day', non2xx: 0, errors: 0, timeouts: 0 });
    expect(cold?.check.ok).toBe(true);
    expect(cold?.ok).toBeGreaterThan(0);
    expect(cold?.peakRssMb).toBeGreaterThan(0);
    expect(cold?.subgraphPerRequest).toBeGreaterThan(0);
    // Distinct ids: the subgraphs looked records up in their cache, and most were not there yet.
    expect(cold?.cacheHitRate).toBeLessThan(0.9);
    const open = run.measurements.find((m) => m.phase === 'rate');
    expect(open).toMatchObject({ mode: 'open', non2xx: 0, errors: 0, timeouts: 0 });
    expect(open?.sent).toBeGreaterThan(0);
    expect(run.workload.mix.profile).toBeGreaterThan(0);
    // The append-rate run: 1 and 2 writer processes on one PostgreSQL, and the log verified whole after.
    expect(run.auditAppend?.map((r) => r.writers)).toEqual([1, 2]);
    for (const rate of run.auditAppend ?? []) {
      expect(rate.recordsPerSecond).toBeGreaterThan(0);
      expect(rate.failed).toBe(0);
      expect(rate.verified.ok).toBe(true);
      expect(rate.verified.records).toBeGreaterThanOrEqual(rate.recordsPerSecond);
    }
  }, 120_000);
});
