// The audit store contract on the embedded PGlite database. Creating a PGlite directory takes seconds,
// so the file shares one and each test starts from an empty schema.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { auditStoreContract } from '../../../tests/support/audit/auditStoreContract.ts';
import { openPgliteDatabase } from './pgliteDatabase.ts';
import type { SqlDatabase } from './sqlDatabase.ts';

describe('audit store on PGlite', () => {
  let dir: string;
  let shared: SqlDatabase;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-'));
    shared = await openPgliteDatabase(dir);
  });
  afterAll(async () => {
    await shared?.[Symbol.asyncDispose]();
    await rm(dir, { recursive: true, force: true });
  });

  auditStoreContract(async () => {
    await shared.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    // The store closes its database when disposed; this one outlives each test.
    return { db: { ...shared, [Symbol.asyncDispose]: async () => {} }, cleanup: async () => {} };
  });
});
