// The audit store the gateway calls: PostgreSQL when a DATABASE_URL is given, else the embedded PGlite
// under data/; both run the same migrations and SQL. The factory wires the pieces: group commit for
// appends, periodic checkpoints, and the readers.
import type { JSONWebKeySet } from 'jose';
import type { SigningKey } from '../../../lib/keys.ts';
import type { Logger } from '../../../lib/logger.ts';
import type { Metrics } from '../../../lib/metrics.ts';
import { type AuditContent, normalizeRecord } from './chain.ts';
import { noteSignerOf } from './checkpoint.ts';
import { AuditUnavailableError } from './errors.ts';
import { exportRange } from './exportRange.ts';
import { createGroupCommitter } from './groupCommit.ts';
import { migrate } from './migrations.ts';
import { ownHistory } from './ownHistory.ts';
import { PartitionCalendar } from './partitions.ts';
import { proofReaders } from './proofs.ts';
import { queryEvents } from './queryEvents.ts';
import { type OpenDatabaseOptions, openSqlDatabase, type SqlDatabase } from './sqlDatabase.ts';
import type { AuditStore, StoredAuditRecord } from './types.ts';
import { verifyLog } from './verifyLog.ts';
import { AuditWriter, checkpointIfBehind, extendTree } from './writeBatch.ts';

export interface AuditStoreOptions extends OpenDatabaseOptions {
  /** The gateway's audit key; checkpoints are compact JWS signed with it. */
  readonly checkpointKey: SigningKey;
  /** Sign a checkpoint every this many records (across all writers); default 1 000, 0 = never by count. */
  readonly checkpointEvery?: number;
  /** Also sign one this often when records arrived since the last, in ms; default 5 000, 0 = only on close. */
  readonly checkpointIntervalMs?: number;
  /** The checkpoints' origin line, naming this log; default `lienthong/audit`. */
  readonly origin?: string;
  /** Longest an append waits for its commit, in ms; default 5 000. */
  readonly appendTimeoutMs?: number;
  /** Most records per group-commit transaction; default 256. */
  readonly maxBatch?: number;
  /** Most records waiting to be written before appends are refused; default 10 000. */
  readonly maxQueue?: number;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Default: the system clock. */
  readonly clock?: () => Date;
}

/** The origin line of checkpoints when none is configured. */
export const DEFAULT_ORIGIN = 'lienthong/audit';

export async function createAuditStore(options: AuditStoreOptions): Promise<AuditStore> {
  const db = await openSqlDatabase(options);
  try {
    await migrate(db);
    // An upgraded log's records become the tree's first leaves before anything new is appended.
    await extendTree(db);
  } catch (error) {
    await db[Symbol.asyncDispose]();
    throw error;
  }
  return auditStoreOn(db, options);
}

/**
 * Builds the store over an open, migrated database, which it then owns and closes. The current and
 * next months' partitions are created before the first append is written.
 */
export function auditStoreOn(db: SqlDatabase, options: AuditStoreOptions): AuditStore {
  const { logger, metrics, checkpointKey } = options;
  const clock = options.clock ?? (() => new Date());
  const calendar = new PartitionCalendar(db, (error) =>
    logger.warn(
      { err: errorSummary(error) },
      'next audit partition not created yet; retried on the next batch',
    ),
  );
  // Awaited by every write; a failure here is retried by the next one (a missing month is created by
  // the batch that needs it anyway).
  let started: Promise<void> | undefined;
  const startCalendar = () => {
    started ??= calendar.start(new Date()).catch((error: unknown) => {
      started = undefined;
      logger.warn({ err: errorSummary(error) }, 'audit partitions not prepared at start');
    });
    return started;
  };
  void startCalendar();
  const signer = noteSignerOf(checkpointKey);
  const origin = options.origin ?? DEFAULT_ORIGIN;
  // The origin is the note's first line: a line break in it would let it pass for another checkpoint.
  if (!/^[\x21-\x7e][\x20-\x7e]*$/.test(origin)) {
    throw new Error(
      `the audit log origin must be one line of printable ASCII, got ${JSON.stringify(origin)}`,
    );
  }
  const writeOptions = {
    signer,
    origin,
    checkpointEvery: options.checkpointEvery ?? 1_000,
    now: clock,
    calendar,
  };
  const writer = new AuditWriter(db, writeOptions);
  const committer = createGroupCommitter<AuditContent, StoredAuditRecord>({
    write: async (batch) => {
      await startCalendar();
      const records = await writer.write(batch);
      for (const record of records) metrics?.auditRecords.labels(record.outcome).inc();
      return records;
    },
    maxBatch: options.maxBatch ?? 256,
    maxQueue: options.maxQueue ?? 10_000,
    timeoutMs: options.appendTimeoutMs ?? 5_000,
    onWriteError: (error, batchSize) =>
      logger.error({ err: errorSummary(error), batchSize, database: db.kind }, 'audit batch not committed'),
  });

  let checkpointing: Promise<unknown> = Promise.resolve();
  const checkpoint = () => {
    checkpointing = checkpointIfBehind(db, writeOptions).then(
      (size) => size !== undefined && writer.checkpointed(size),
      (error: unknown) => logger.warn({ err: errorSummary(error) }, 'audit checkpoint not written'),
    );
    return checkpointing;
  };
  const intervalMs = options.checkpointIntervalMs ?? 5_000;
  const timer = intervalMs > 0 ? setInterval(checkpoint, intervalMs) : undefined;
  timer?.unref();

  let closing: Promise<void> | undefined;
  return {
    append(record) {
      let content: AuditContent;
      try {
        content = normalizeRecord(record, clock());
      } catch (error) {
        return Promise.reject(
          new AuditUnavailableError(`the record is malformed (${(error as Error).message})`, {
            cause: error,
          }),
        );
      }
      return committer.submit(content);
    },
    query: (filter, page = {}) => queryEvents(db, filter, page, { withOfficer: true }),
    accessHistory: async (subject, page = {}) =>
      ownHistory(await queryEvents(db, { subject }, page, { withOfficer: false }), subject),
    verify: (jwks?: JSONWebKeySet, verifyOptions = {}) =>
      verifyLog(db, jwks ?? { keys: [checkpointKey.publicJwk] }, verifyOptions),
    async ping() {
      try {
        await db.query('SELECT 1');
        return { ok: true, detail: db.kind };
      } catch {
        return { ok: false, detail: `${db.kind} unreachable` };
      }
    },
    exportRange: (from, to) => exportRange(db, from, to),
    ...proofReaders(db),
    [Symbol.asyncDispose]() {
      closing ??= (async () => {
        if (timer) clearInterval(timer);
        await committer.close();
        await checkpointing;
        await started;
        await calendar.settle();
        // Seal the tail on a clean stop, so only a crash leaves records after the last checkpoint.
        await checkpoint();
        await db[Symbol.asyncDispose]();
      })();
      return closing;
    },
  };
}

// Database errors can quote parameters (identifiers); log only their class and code.
function errorSummary(error: unknown): { name: string; code?: string } {
  const { name, code } = error as { name?: string; code?: string };
  return { name: name ?? 'Error', ...(code ? { code } : {}) };
}
