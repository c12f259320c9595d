// What the soak measured, and the audit checks it runs afterwards: throughput, error rate by code,
// latency percentiles, RSS over time per process, one audit record per served request, and a witness
// that saw the log up to its last checkpoint without an alarm.
import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Outcome } from './soakTraffic.ts';

const run = promisify(execFile);

export interface RssSample {
  /** Seconds since the soak started. */
  readonly at: number;
  /** Resident set size in MiB by process name (absent while a process is down). */
  readonly mib: Readonly<Record<string, number>>;
}

/** VmRSS of a process in MiB, from /proc (Linux); undefined when it is not running. */
export async function rssMib(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round((kb / 1024) * 10) / 10 : undefined;
  } catch {
    return undefined;
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface AuditCheck {
  readonly served: number;
  /** Served requests with no audit record. */
  readonly missing: number;
  /** Request ids with more than one record. */
  readonly duplicated: number;
  readonly records: number;
  readonly verify: string;
  readonly verifyOk: boolean;
  readonly witness: WitnessCheck;
}

export interface WitnessCheck {
  /** Records in the log, and the tree size of its last signed checkpoint. */
  readonly logSize: number;
  readonly lastCheckpointSize: number;
  /** Checkpoints signed (C2SP notes) over the whole run. */
  readonly checkpoints: number;
  /** The tree size of the last head the witness accepted and cosigned. */
  readonly witnessedSize: number;
  /** Whether the witness raised its alarm (fork, shrinking tree, bad signature) at any time. */
  readonly alarm: boolean;
}

const witnessedSize = async (witnessDir: string): Promise<number> => {
  const note = await readFile(join(witnessDir, 'latest.note'), 'utf8').catch(() => '');
  return Number(note.split('\n')[1] ?? 0) || 0;
};

/**
 * Waits (up to `timeoutMs`) until the log's last checkpoint covers every record and the witness has
 * accepted that checkpoint; reports where each stood when that happened or time ran out.
 */
export async function awaitWitness(
  databaseUrl: string,
  witnessDir: string,
  timeoutMs = 120_000,
): Promise<WitnessCheck> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ records: string; last: string | null; checkpoints: string }>(
        `SELECT (SELECT count(*) FROM audit_records) AS records,
                (SELECT max(seq) FROM audit_checkpoints WHERE note IS NOT NULL) AS last,
                (SELECT count(*) FROM audit_checkpoints WHERE note IS NOT NULL) AS checkpoints`,
      );
      const check: WitnessCheck = {
        logSize: Number(rows[0]?.records ?? 0),
        lastCheckpointSize: Number(rows[0]?.last ?? 0),
        checkpoints: Number(rows[0]?.checkpoints ?? 0),
        witnessedSize: await witnessedSize(witnessDir),
        alarm: await access(join(witnessDir, 'ALARM')).then(
          () => true,
          () => false,
        ),
      };
      const caughtUp = check.lastCheckpointSize === check.logSize && check.witnessedSize === check.logSize;
      if (caughtUp || check.alarm || Date.now() > until) return check;
      await sleep(500);
    }
  } finally {
    await client.end();
  }
}

export async function checkAudit(
  databaseUrl: string,
  auditJwksFile: string,
  witnessDir: string,
  outcomes: readonly Outcome[],
): Promise<AuditCheck> {
  const witness = await awaitWitness(databaseUrl, witnessDir);
  const served = outcomes.filter((o) => o.served).map((o) => o.requestId);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let counts: Map<string, number>;
  let records: number;
  try {
    const rows = await client.query<{ request_id: string; n: string }>(
      'SELECT request_id, count(*) AS n FROM audit_records GROUP BY request_id',
    );
    counts = new Map(rows.rows.map((r) => [r.request_id, Number(r.n)]));
    records = rows.rows.reduce((sum, r) => sum + Number(r.n), 0);
  } finally {
    await client.end();
  }
  const missing = served.filter((id) => !counts.has(id)).length;
  const duplicated = [...counts.values()].filter((n) => n > 1).length;
  let verify: string;
  let verifyOk: boolean;
  try {
    const args = ['scripts/auditVerify.ts', '--jwks', auditJwksFile, '--witness', witnessDir];
    const { stdout } = await run(process.execPath, args, {
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    verify = stdout.trim();
    verifyOk = true;
  } catch (error) {
    verify = String((error as { stdout?: string }).stdout ?? (error as Error).message).trim();
    verifyOk = false;
  }
  return { served: served.length, missing, duplicated, records, verify, verifyOk, witness };
}

export interface SoakSummary {
  readonly command: string;
  readonly minutes: number;
  readonly rate: number;
  readonly outcomes: readonly Outcome[];
  readonly skipped: number;
  readonly rss: readonly RssSample[];
  readonly faults: readonly string[];
  readonly audit: AuditCheck;
  /** The gateway replica never restarted: its RSS after warm-up is the flatness measure. */
  readonly steadyProcess: string;
  readonly warmupSeconds: number;
}

export function renderReport(summary: SoakSummary): { text: string; rssGrowth: number; passed: boolean } {
  const { outcomes } = summary;
  const seconds = summary.minutes * 60;
  const byCode = new Map<string, number>();
  for (const o of outcomes) byCode.set(o.code, (byCode.get(o.code) ?? 0) + 1);
  const latencies = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const served = outcomes.filter((o) => o.served).length;
  const expectedErrors = new Set([
    'BAD_USER_INPUT',
    'QUERY_TOO_COMPLEX',
    'UNAUTHENTICATED',
    'PURPOSE_REQUIRED',
  ]);
  const unexpected = outcomes.filter(
    (o) => !['bad-id', 'too-deep', 'no-token', 'no-purpose'].includes(o.kind) && o.code !== 'ok',
  ).length;
  const steady = summary.rss
    .filter((s) => s.at >= summary.warmupSeconds && s.mib[summary.steadyProcess] !== undefined)
    .map((s) => s.mib[summary.steadyProcess]!);
  const rssGrowth = steady.length >= 2 ? (steady[steady.length - 1]! - steady[0]!) / steady[0]! : 0;
  const processes = Object.keys(summary.rss[0]?.mib ?? {});
  const minuteSamples = summary.rss.filter(
    (s, i) => i === 0 || Math.floor(s.at / 60) !== Math.floor(summary.rss[i - 1]!.at / 60),
  );
  const w = summary.audit.witness;
  const witnessSawAll = !w.alarm && w.witnessedSize === w.logSize && w.lastCheckpointSize === w.logSize;
  const passed =
    summary.audit.missing === 0 &&
    summary.audit.duplicated === 0 &&
    summary.audit.verifyOk &&
    witnessSawAll &&
    rssGrowth < 0.1;
  const lines = [
    `Command: \`${summary.command}\``,
    '',
    `- Duration ${summary.minutes} min at ${summary.rate} req/s offered: ${outcomes.length} requests completed ` +
      `(${(outcomes.length / seconds).toFixed(1)} req/s), ${summary.skipped} ticks skipped at the in-flight cap.`,
    `- Served with data and attestation: ${served}. Latency p50 ${percentile(latencies, 50).toFixed(0)} ms, ` +
      `p95 ${percentile(latencies, 95).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, ` +
      `max ${percentile(latencies, 100).toFixed(0)} ms.`,
    `- Valid requests answered other than fully ok (faults at work): ${unexpected} ` +
      `(${((unexpected / Math.max(1, outcomes.length)) * 100).toFixed(2)}%).`,
    `- Audit: ${summary.audit.records} records; served requests without a record: ${summary.audit.missing}; ` +
      `request ids with more than one record: ${summary.audit.duplicated}. audit:verify --witness: ${summary.audit.verify}`,
    `- Witness: ${w.checkpoints} checkpoints signed; the last covers ${w.lastCheckpointSize} of ${w.logSize} records; ` +
      `the witness accepted and cosigned up to ${w.witnessedSize}; alarm: ${w.alarm ? 'RAISED' : 'none'}.`,
    `- RSS of ${summary.steadyProcess} after ${summary.warmupSeconds} s warm-up: ` +
      `${steady[0]?.toFixed(1) ?? '?'} → ${steady[steady.length - 1]?.toFixed(1) ?? '?'} MiB (${(rssGrowth * 100).toFixed(1)}%).`,
    `- Verdict: ${passed ? 'PASS' : 'FAIL'} (no audit record lost or doubled, audit:verify intact against the witness, ` +
      'the witness saw the last checkpoint over every record without an alarm, RSS growth under 10%).',
    '',
    'Latency by tenth of the run (the faults fall in tenths 3, 5–6, 7 and 9):',
    '',
    '| tenth | requests | p50 ms | p99 ms |',
    '|---:|---:|---:|---:|',
    ...Array.from({ length: 10 }, (_, i) => {
      const slice = outcomes
        .filter((o) => Math.min(9, Math.floor((o.at / seconds) * 10)) === i)
        .map((o) => o.ms)
        .sort((a, b) => a - b);
      return `| ${i + 1} | ${slice.length} | ${percentile(slice, 50).toFixed(0)} | ${percentile(slice, 99).toFixed(0)} |`;
    }),
    '',
    'Fault schedule (seconds from start):',
    '',
    ...summary.faults.map((f) => `- ${f}`),
    '',
    'Answers by code (expected refusals included: BAD_USER_INPUT, QUERY_TOO_COMPLEX, UNAUTHENTICATED, PURPOSE_REQUIRED):',
    '',
    '| code | count | share |',
    '|---|---:|---:|',
    ...[...byCode.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(
        ([code, n]) =>
          `| ${code}${expectedErrors.has(code) ? ' (expected)' : ''} | ${n} | ${((n / outcomes.length) * 100).toFixed(2)}% |`,
      ),
    '',
    'RSS over time (MiB):',
    '',
    `| min | ${processes.join(' | ')} |`,
    `|---:|${processes.map(() => '---:').join('|')}|`,
    ...minuteSamples.map(
      (s) =>
        `| ${(s.at / 60).toFixed(1)} | ${processes.map((p) => s.mib[p]?.toFixed(0) ?? '—').join(' | ')} |`,
    ),
  ];
  return { text: lines.join('\n'), rssGrowth, passed };
}
