// A fresh PostgreSQL database on the shared server for each audit test file, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { openPostgresDatabase } from '../../gateway/src/audit/postgresDatabase.ts';

/** The shared server's `test` database, used only to create and drop per-file databases. */
export const ADMIN_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase extends AsyncDisposable {
  readonly url: string;
  readonly name: string;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `audit_test_${randomBytes(6).toString('hex')}`;
  const admin = openPostgresDatabase(ADMIN_URL);
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin[Symbol.asyncDispose]();
    throw new Error(
      `PostgreSQL is needed at ${ADMIN_URL} (start it, or set TEST_POSTGRES_URL): ${(error as Error).message}`,
    );
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async [Symbol.asyncDispose]() {
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin[Symbol.asyncDispose]();
      }
    },
  };
}
