// Monthly partitions and archiving on real PostgreSQL (a fresh database for the file, an empty schema
// per test); and, with a second connection, a detach that would wait on a reader while writers wait.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detachMonth, exportMonth } from '../../gateway/src/audit/archive.ts';
import { openPostgresDatabase } from '../../gateway/src/audit/postgresDatabase.ts';
import type { SqlDatabase } from '../../gateway/src/audit/sqlDatabase.ts';
import { record, steppingClock, withStore } from '../support/audit/auditTestSupport.ts';
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

  const fresh = async () => {
    await shared.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    return { db: { ...shared, [Symbol.asyncDispose]: async () => {} }, cleanup: async () => {} };
  };

  partitionContract(fresh);

  it('gives up detaching while a reader holds the tables, rather than hold writers back, and changes nothing', async () => {
    const clock = steppingClock(Date.parse('2026-01-31T23:59:30Z'));
    await withStore(fresh, { clock, checkpointEvery: 8 }, async (s) => {
      for (let i = 0; i < 60; i++) await s.store.append(record({ requestId: `r${i}` }));
      const archive = await exportMonth(s.db, '2026-01', async () => {});
      // A reader in another session, its transaction open (as a long verification's is).
      const reader = openPostgresDatabase(database.url);
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let reading!: () => void;
      const readerHolds = new Promise<void>((resolve) => {
        reading = resolve;
      });
      const readerDone = reader.transaction(async (tx) => {
        await tx.query('SELECT count(*) FROM audit_records');
        reading();
        await held;
      });
      try {
        await readerHolds;
        await expect(detachMonth(s.db, archive, 'f'.repeat(64))).rejects.toThrow(
          '2026-01 was not detached: the tables were in use',
        );
        // Writers were not held back for good: this append commits while the reader still reads.
        expect((await s.store.append(record({ requestId: 'during' }))).seq).toBe(61);
      } finally {
        release();
        await readerDone;
        await reader[Symbol.asyncDispose]();
      }
      const { rows } = await s.db.query('SELECT count(*) AS n FROM audit_archives');
      expect(Number(rows[0]!['n'])).toBe(0);
      const { rows: parts } = await s.db.query(
        "SELECT count(*) AS n FROM audit_records WHERE tableoid = 'audit_records_2026_01'::regclass",
      );
      expect(Number(parts[0]!['n'])).toBe(archive.monthRecords);
      expect(await s.store.verify()).toMatchObject({ ok: true, records: 61 });
    });
  });
});
