// Group commit: items submitted while a write is in flight wait in a queue and go together in the next
// write, so one transaction (one fsync) carries many records and auditing does not cap throughput.
// Each submit resolves only with its own result from a write that succeeded, and every submit settles
// within `timeoutMs`: a stalled database turns into prompt rejections, never a hung request.
import { AuditUnavailableError } from './errors.ts';

export interface GroupCommitOptions<I, O> {
  /** Writes a batch atomically; resolves with one result per item, in order. */
  readonly write: (batch: readonly I[]) => Promise<readonly O[]>;
  /** Most items per write; default 256. */
  readonly maxBatch?: number;
  /** Most items waiting; beyond it submits are refused at once (the database is not keeping up). Default 10 000. */
  readonly maxQueue?: number;
  /** Longest a submit may wait for its commit, in ms; default 5 000. */
  readonly timeoutMs?: number;
  /** Told about each failed write (for logs); the submitters get AuditUnavailableError. */
  readonly onWriteError?: (error: unknown, batchSize: number) => void;
}

interface Waiting<I, O> {
  readonly item: I;
  settled: boolean;
  readonly resolve: (value: O) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export interface GroupCommitter<I, O> {
  submit(item: I): Promise<O>;
  /** Refuses new submits and resolves once everything queued has been written or has failed. */
  close(): Promise<void>;
}

export function createGroupCommitter<I, O>(options: GroupCommitOptions<I, O>): GroupCommitter<I, O> {
  const maxBatch = options.maxBatch ?? 256;
  const maxQueue = options.maxQueue ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const queue: Waiting<I, O>[] = [];
  let running: Promise<void> | undefined;
  let closed = false;

  const settle = (entry: Waiting<I, O>) => {
    entry.settled = true;
    clearTimeout(entry.timer);
  };

  async function run(): Promise<void> {
    while (queue.length > 0) {
      // Entries that already timed out are dropped before writing: their caller has served an error.
      const batch = queue.splice(0, maxBatch).filter((entry) => !entry.settled);
      if (batch.length === 0) continue;
      try {
        const results = await options.write(batch.map((entry) => entry.item));
        batch.forEach((entry, i) => {
          if (entry.settled) return;
          settle(entry);
          entry.resolve(results[i] as O);
        });
      } catch (error) {
        options.onWriteError?.(error, batch.length);
        for (const entry of batch) {
          if (entry.settled) continue;
          settle(entry);
          entry.reject(new AuditUnavailableError('the audit database did not commit it', { cause: error }));
        }
      }
    }
  }

  function kick(): void {
    if (running) return;
    running = run().finally(() => {
      running = undefined;
      if (queue.length > 0) kick();
    });
  }

  return {
    submit(item) {
      if (closed) return Promise.reject(new AuditUnavailableError('the audit store is closed'));
      if (queue.length >= maxQueue) {
        return Promise.reject(new AuditUnavailableError('too many records are waiting to be written'));
      }
      return new Promise<O>((resolve, reject) => {
        const entry: Waiting<I, O> = {
          item,
          settled: false,
          resolve,
          reject,
          timer: setTimeout(() => {
            if (entry.settled) return;
            settle(entry);
            reject(new AuditUnavailableError(`no commit within ${timeoutMs} ms`));
          }, timeoutMs),
        };
        queue.push(entry);
        kick();
      });
    },
    async close() {
      closed = true;
      while (running) await running;
    },
  };
}
