// Monthly partitions and archiving on the embedded PGlite database (one directory for the file, an
// empty schema per test).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { partitionContract } from '../../../tests/support/audit/partitionContract.ts';
import { openPgliteDatabase } from './pgliteDatabase.ts';
import type { SqlDatabase } from './sqlDatabase.ts';

describe('monthly partitions and archives on PGlite', () => {
  let dir: string;
  let shared: SqlDatabase;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-partitions-'));
    shared = await openPgliteDatabase(dir);
  });
  afterAll(async () => {
    await shared?.[Symbol.asyncDispose]();
    await rm(dir, { recursive: true, force: true });
  });

  partitionContract(async () => {
    await shared.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    return { db: { ...shared, [Symbol.asyncDispose]: async () => {} }, cleanup: async () => {} };
  });
});
