// A feature's price by alternation (`npm run bench -- --price=…`): medians over the rounds, the price in
// throughput from the closed-loop runs, the price in CPU from the equal-rate runs when there are any;
// and the plan alternates the arms' order, every arm on backends of its own with the same requests.
import { describe, expect, it } from 'vitest';
import type { Measurement } from '../../bench/measure.ts';
import { median, priceMarkdown, priceSummary } from '../../bench/price.ts';
import { benchPlan, pricePlan } from '../../bench/runBench.ts';
import { measurement } from '../support/benchMeasurement.ts';

const run = (
  target: string,
  phase: 'cold' | 'rate',
  requestsPerSecond: number,
  machineCpuMsPerRequest: number,
): Measurement =>
  measurement({
    target,
    phase,
    requestsPerSecond,
    machineCpuMsPerRequest,
    gatewayCpuMsPerRequest: machineCpuMsPerRequest / 4,
    postgresCpuMsPerRequest: target === 'lienthong' ? 0.5 : 0,
    idleShare: phase === 'rate' ? 0.2 : 0.05,
    ...(phase === 'rate' ? { targetRate: 120 } : {}),
  });

describe('the price of a feature by alternation', () => {
  it('takes medians over the rounds, whatever their order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });

  it('prices throughput from the closed-loop runs and CPU from the equal-rate runs', () => {
    const arms = priceSummary([
      run('lienthong', 'cold', 180, 11),
      run('lienthong-no-audit', 'cold', 200, 10),
      run('lienthong', 'cold', 160, 12.5),
      run('lienthong-no-audit', 'cold', 210, 9.5),
      run('lienthong', 'cold', 170, 11.8),
      run('lienthong-no-audit', 'cold', 190, 10.5),
      run('lienthong', 'rate', 120, 12),
      run('lienthong-no-audit', 'rate', 120, 11.4),
    ]);
    expect(arms.map((a) => a.target)).toEqual(['lienthong', 'lienthong-no-audit']);
    expect(arms[0]).toMatchObject({ rounds: 3, medianRequestsPerSecond: 170, medianMachineCpuMs: 11.8 });
    expect(arms[0]?.price).toBeUndefined();
    // 1 − 170 / 200 in throughput; 1 − 11.4 / 12 in CPU at equal load (not the saturated runs' CPU).
    expect(arms[1]).toMatchObject({ medianRequestsPerSecond: 200, price: 0.15, cpuPrice: 0.05 });
    expect(arms[1]?.equalLoad).toMatchObject({ rate: 120, machineCpuMs: 11.4, idleShare: 0.2 });
    const table = priceMarkdown(arms).join('\n');
    expect(table).toContain('| lienthong-no-audit | 3 | 200, 210, 190 | 200 | 15% |');
    expect(table).toContain('Open loop at 120 req/s');
  });

  it('without equal-rate runs, prices CPU from the closed-loop runs', () => {
    const arms = priceSummary([
      run('lienthong', 'cold', 100, 20),
      run('lienthong-no-audit', 'cold', 125, 16),
    ]);
    expect(arms[1]).toMatchObject({ price: 0.2, cpuPrice: 0.2 });
    expect(priceMarkdown(arms).join('\n')).not.toContain('Open loop');
  });

  it('plans every arm on fresh backends with the same requests, the order reversed every other round', () => {
    const plan = pricePlan(benchPlan(false), ['lienthong-no-audit-attestation'], 3, 120);
    expect(plan.sameDay).toBe(true);
    expect(plan.equalRate).toBe(120);
    expect(plan.auditAppend.writerCounts).toEqual([]);
    expect(plan.backends.map((b) => b.entries.map((e) => `${e.target.name}:${e.phases.join()}`))).toEqual([
      ['lienthong:cold'],
      ['lienthong-no-audit-attestation:cold'],
      ['lienthong-no-audit-attestation:cold'],
      ['lienthong:cold'],
      ['lienthong:cold'],
      ['lienthong-no-audit-attestation:cold'],
    ]);
    expect(() => pricePlan(benchPlan(false), ['apollo-gateway'], 1)).toThrow(/not a feature-off target/);
  });
});
