// The benchmark harness end to end on its smallest configuration: mocks, subgraphs and lienthong as
// processes, one operation driven for a second. Checks that it runs and measures, never the figures.
import { describe, expect, it } from 'vitest';
import { benchPlan, filterPlan, runBench } from '../../bench/runBench.ts';

describe('npm run bench harness', () => {
  it('measures lienthong on one operation with a correct answer and no errors', async () => {
    const plan = filterPlan(
      { ...benchPlan(true), load: { connections: 2, warmupSeconds: 0, durationSeconds: 1 } },
      { targets: ['lienthong'], operations: ['fullProfile'] },
    );
    const run = await runBench(plan, () => {});
    const closed = run.measurements.find((m) => m.mode === 'closed');
    expect(closed).toMatchObject({ target: 'lienthong', operation: 'fullProfile', non2xx: 0, errors: 0 });
    expect(closed?.check.ok).toBe(true);
    expect(closed?.requests).toBeGreaterThan(0);
    expect(closed?.peakRssMb).toBeGreaterThan(0);
  }, 90_000);
});
