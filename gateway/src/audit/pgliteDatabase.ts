// The embedded database: PGlite (PostgreSQL compiled to WebAssembly) in a directory. One process owns
// the directory at a time; PGlite serializes queries and transactions itself.
import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor, SqlRow } from './sqlDatabase.ts';

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
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  return {
    kind: 'pglite',
    ...executor(db),
    transaction: (work) => db.transaction((tx) => work(executor(tx))),
    async [Symbol.asyncDispose]() {
      if (!db.closed) await db.close();
    },
  };
}
