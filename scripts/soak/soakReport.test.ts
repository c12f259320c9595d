// The soak's verdict: PASS needs every served request's record, an intact log and a witness that
// accepted the last checkpoint over every record without an alarm; each way a witness can fall short
// turns it into FAIL.
import { describe, expect, it } from 'vitest';
import { type AuditCheck, renderReport, type SoakSummary, type WitnessCheck } from './soakReport.ts';

const witnessed: WitnessCheck = {
  logSize: 120,
  lastCheckpointSize: 120,
  checkpoints: 7,
  witnessedSize: 120,
  alarm: false,
};

function summary(witness: Partial<WitnessCheck> = {}): SoakSummary {
  const audit: AuditCheck = {
    served: 120,
    missing: 0,
    duplicated: 0,
    records: 120,
    verify: 'audit log intact',
    verifyOk: true,
    witness: { ...witnessed, ...witness },
  };
  return {
    command: 'npm run soak -- --minutes 1',
    minutes: 1,
    rate: 2,
    outcomes: Array.from({ length: 120 }, (_, i) => ({
      kind: 'citizen',
      requestId: `r${i}`,
      status: 200,
      code: 'ok',
      served: true,
      ms: 10,
      at: i / 2,
    })),
    skipped: 0,
    rss: [
      { at: 20, mib: { 'gateway-a': 200 } },
      { at: 50, mib: { 'gateway-a': 201 } },
    ],
    faults: [],
    audit,
    steadyProcess: 'gateway-a',
    warmupSeconds: 9,
  };
}

describe('soak verdict', () => {
  it('passes with every record witnessed up to the last checkpoint', () => {
    const report = renderReport(summary());
    expect(report.passed).toBe(true);
    expect(report.text).toContain('the witness accepted and cosigned up to 120; alarm: none');
  });

  it('fails when the witness raised its alarm', () => {
    expect(renderReport(summary({ alarm: true })).passed).toBe(false);
  });

  it('fails when the witness stopped short of the last checkpoint', () => {
    expect(renderReport(summary({ witnessedSize: 100 })).passed).toBe(false);
  });

  it('fails when records lie beyond the last checkpoint', () => {
    expect(renderReport(summary({ lastCheckpointSize: 110, witnessedSize: 110 })).passed).toBe(false);
  });
});
