// Monthly partitions and archiving on real PostgreSQL (a fresh database for the file, an empty schema
// per test).
import { afterAll, beforeAll, describe } from 'vitest';
import { openPostgresDatabase } from '../../gateway/src/audit/postgresDatabase.ts';
import type { SqlDatabase } from '../../gateway/src/audit/sqlDatabase.ts';
import { partitionContract } from '../support/audit/partitionContract.ts';
import { createTestDatabase, type TestDatabase } from './auditPostgres.ts';

describe('monthly partitions and archives on PostgreSQL', () => {
  let database: TestDatabase;
  let shared: SqlDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    shared = openPostgresDatabase(database.url);
  });
  afterAll(async () => {
    await shared?.[Symbol.asyncDispose]();
    await database?.[Symbol.asyncDispose]();
  });

  partitionContract(async () => {
    await shared.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    return { db: { ...shared, [Symbol.asyncDispose]: async () => {} }, cleanup: async () => {} };
  });
});
