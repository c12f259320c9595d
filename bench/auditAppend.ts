// The audit log's append rate on one PostgreSQL with 1, 2 and 4 writer processes (gateway replicas):
// each writer (bench/auditWriter.ts) keeps many appends in flight through its group commit for the
// measured window, all at once; the log is then verified whole (every record chained, the Merkle tree
// recomputed, every checkpoint's signature checked). A fresh database per writer count.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createAuditStore } from '../gateway/src/audit/createAuditStore.ts';
import { generateSigningJwk, publicJwkOf, signingKeyFromJwk, toJwks } from '../lib/keys.ts';
import { silentLogger } from '../lib/logger.ts';
import { liveChildren } from './processes.ts';

export interface AppendRate {
  readonly writers: number;
  /** Appends each writer kept in flight. */
  readonly inFlight: number;
  /** Records committed per second, all writers together. */
  readonly recordsPerSecond: number;
  /** Appends that failed (refused or timed out) in the whole run. */
  readonly failed: number;
  /** Writer CPU per committed record, in ms (process user + system, summed over writers). */
  readonly writerCpuMsPerRecord: number;
  /** Records and checkpoints the verifier read back, and its verdict. */
  readonly verified: { readonly ok: boolean; readonly records: number; readonly checkpoints: number };
}

export interface AppendRateOptions {
  readonly writerCounts: readonly number[];
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  /** Appends each writer keeps in flight (a busy gateway's concurrent requests). */
  readonly inFlight: number;
  /** A fresh, empty database for one writer count, dropped after it. */
  readonly database: (label: string) => Promise<{ url: string; drop(): Promise<void> } | undefined>;
  readonly log: (line: string) => void;
}

interface WriterResult {
  readonly appended: number;
  readonly failed: number;
  readonly cpuMs: number;
}

function startWriter(url: string, jwk: string, options: AppendRateOptions, name: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      'bench/auditWriter.ts',
      url,
      String(options.warmupSeconds),
      String(options.durationSeconds),
      String(options.inFlight),
      name,
    ],
    { env: { ...process.env, BENCH_AUDIT_JWK: jwk }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = once(child, 'exit');
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) throw new Error(`audit writer ${name} exited with ${(await exited)[0]} before answering`);
    return line.value;
  };
  return { child, next, exited };
}

export async function measureAppendRates(options: AppendRateOptions): Promise<AppendRate[]> {
  const out: AppendRate[] = [];
  const jwk = await generateSigningJwk('EdDSA', 'bench-audit');
  for (const writers of options.writerCounts) {
    const database = await options.database(`append_${writers}`);
    if (!database) {
      options.log('audit append rate: skipped, no PostgreSQL answers');
      return out;
    }
    try {
      // The first writer migrates the empty database; the others start once it has.
      const started = [];
      for (let i = 0; i < writers; i++) {
        const writer = startWriter(database.url, JSON.stringify(jwk), options, `w${i}`);
        started.push(writer);
        const line = await writer.next();
        if (line !== 'ready') throw new Error(`audit writer w${i}: ${line}`);
      }
      for (const writer of started) writer.child.stdin?.end('go\n');
      const results = await Promise.all(started.map(async (w) => JSON.parse(await w.next()) as WriterResult));
      await Promise.all(started.map((w) => w.exited));
      const appended = results.reduce((sum, r) => sum + r.appended, 0);
      const verifier = await createAuditStore({
        databaseUrl: database.url,
        checkpointKey: await signingKeyFromJwk(jwk),
        checkpointIntervalMs: 0,
        checkpointEvery: 0,
        logger: silentLogger(),
      });
      let report: Awaited<ReturnType<typeof verifier.verify>>;
      try {
        report = await verifier.verify(toJwks([publicJwkOf(jwk)]));
      } finally {
        await verifier[Symbol.asyncDispose]();
      }
      const rate: AppendRate = {
        writers,
        inFlight: options.inFlight,
        recordsPerSecond: Math.round(appended / options.durationSeconds),
        failed: results.reduce((sum, r) => sum + r.failed, 0),
        writerCpuMsPerRecord:
          Math.round((results.reduce((sum, r) => sum + r.cpuMs, 0) / Math.max(1, appended)) * 1_000) / 1_000,
        verified: { ok: report.ok, records: report.records, checkpoints: report.checkpoints },
      };
      options.log(
        `audit append: ${writers} writer(s) ${rate.recordsPerSecond} records/s, ${rate.failed} failed, ` +
          `log ${report.ok ? 'intact' : 'BROKEN'} (${report.records} records, ${report.checkpoints} checkpoints)`,
      );
      out.push(rate);
    } finally {
      await database.drop();
    }
  }
  return out;
}
