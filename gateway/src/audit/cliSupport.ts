// What the audit tools share: which database to open (DATABASE_URL, else the embedded store's
// directory) and how to report a usage problem. The embedded store is locked by whoever has it open
// (storeLock.ts): while the gateway runs, a tool refuses it, naming the gateway's process, rather than
// open it a second time, which is what once left a store no one could open.
import { existsSync } from 'node:fs';
import { migrate, openSqlDatabase, type SqlDatabase } from './index.ts';
import { AuditStoreLockedError } from './storeLock.ts';

export const DEFAULT_DATA_DIR = 'data/audit';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export async function openAuditDatabase(dataDir: string | undefined): Promise<SqlDatabase> {
  const databaseUrl = process.env['DATABASE_URL'] || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new UsageError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const dir = dataDir ?? DEFAULT_DATA_DIR;
  if (!databaseUrl && !existsSync(dir)) {
    throw new UsageError(`no audit database: DATABASE_URL is unset and ${dir} does not exist`);
  }
  const db = await openSqlDatabase({ databaseUrl, dataDir: dir, statementTimeoutMs: 60_000 }).catch(
    (error: unknown) => {
      if (!(error instanceof AuditStoreLockedError)) throw error;
      throw new UsageError(
        `${error.message}. While the gateway runs, its admin pages verify the log (/admin/, chain verification)`,
        { cause: error },
      );
    },
  );
  try {
    await migrate(db);
    return db;
  } catch (error) {
    await db[Symbol.asyncDispose]();
    throw error;
  }
}

/** Runs a tool: usage problems exit 2 with one line; anything else exits 2 with its message. */
export async function runTool(name: string, main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${name}: ${message}\n`);
    process.exitCode = 2;
  }
}
