// The embedded database: PGlite (PostgreSQL compiled to WebAssembly) in a directory. One process owns
// the directory at a time, enforced by storeLock.ts; PGlite serializes queries and transactions itself.
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor, SqlRow } from './sqlDatabase.ts';
import { lockStoreDirectory } from './storeLock.ts';

/** The store's files are damaged: PostgreSQL aborts while starting on them. */
export class AuditStoreDamagedError extends Error {
  override readonly name = 'AuditStoreDamagedError';
  readonly code = 'AUDIT_STORE_DAMAGED';
  constructor(dataDir: string, options: { cause: unknown }) {
    super(
      `the embedded audit store ${dataDir} cannot be opened: PostgreSQL aborted while starting on it, ` +
        'so its files are damaged (the known cause: a second process opened the directory while another ' +
        'had it open, and their WAL writes overlapped). Its data and WAL were left as they were. Recover a ' +
        `copy with npm run audit:recover -- --data-dir ${dataDir} --out ${dataDir}.recovered and verify it; ` +
        `or keep it as evidence and start a new log: mv ${dataDir} ${dataDir}.damaged ` +
        '(docs/audit.md, "When the embedded store will not open")',
      options,
    );
  }
}

function executor(target: PGlite | Transaction): SqlExecutor {
  return {
    async query<R extends SqlRow>(text: string, params: readonly unknown[] = []) {
      const result = await target.query<R>(text, params as unknown[]);
      return { rows: result.rows };
    },
    async exec(text: string) {
      await target.exec(text);
    },
  };
}

export async function openPgliteDatabase(dataDir: string): Promise<SqlDatabase> {
  const lock = await lockStoreDirectory(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir);
  } catch (error) {
    await lock[Symbol.asyncDispose]();
    // PostgreSQL's PANIC at start-up (e.g. "could not locate a valid checkpoint record") surfaces as
    // the WebAssembly runtime's abort, with PostgreSQL's own message only on PGlite's debug output.
    if (error instanceof WebAssembly.RuntimeError && error.message.startsWith('Aborted(')) {
      throw new AuditStoreDamagedError(dataDir, { cause: error });
    }
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    kind: 'pglite',
    ...executor(db),
    transaction: (work) => db.transaction((tx) => work(executor(tx))),
    [Symbol.asyncDispose]() {
      // The lock outlives PGlite's close (its shutdown checkpoint), and is released even if close fails.
      closing ??= (async () => {
        try {
          if (!db.closed) await db.close();
        } finally {
          await lock[Symbol.asyncDispose]();
        }
      })();
      return closing;
    },
  };
}
