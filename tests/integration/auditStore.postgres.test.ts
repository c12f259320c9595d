// The audit store contract on real PostgreSQL (a fresh database for this file, an empty schema per
// test), and several writers sharing one database: two stores in this process, each with its own pool,
// leaving one log whose proofs verify.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditStoreOn } from '../../gateway/src/audit/createAuditStore.ts';
import { verifyConsistency } from '../../gateway/src/audit/merkle.ts';
import { migrate } from '../../gateway/src/audit/migrations.ts';
import { openPostgresDatabase } from '../../gateway/src/audit/postgresDatabase.ts';
import type { SqlDatabase } from '../../gateway/src/audit/sqlDatabase.ts';
import { silentLogger } from '../../lib/logger.ts';
import { auditStoreContract } from '../support/audit/auditStoreContract.ts';
import { newKey, record } from '../support/audit/auditTestSupport.ts';
import { checkedCheckpoint, sigstoreInclusionHolds } from '../support/audit/proofContract.ts';
import { createTestDatabase, type TestDatabase } from './auditPostgres.ts';

describe('audit store on PostgreSQL', () => {
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

  auditStoreContract(async () => {
    await shared.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    // The store closes its database when disposed; this pool outlives each test.
    return { db: { ...shared, [Symbol.asyncDispose]: async () => {} }, cleanup: async () => {} };
  });

  it('keeps one intact chain when two stores append to one database at once', async () => {
    await shared.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    // Both migrate at once too: the advisory lock makes the second wait and find the schema done.
    const [dbA, dbB] = [openPostgresDatabase(database.url), openPostgresDatabase(database.url)];
    await Promise.all([migrate(dbA), migrate(dbB)]);
    const key = await newKey('audit-shared');
    const options = {
      checkpointKey: key,
      checkpointEvery: 100,
      checkpointIntervalMs: 0,
      logger: silentLogger(),
    };
    const a = auditStoreOn(dbA, { ...options, maxBatch: 32 });
    const b = auditStoreOn(dbB, { ...options, maxBatch: 32 });
    try {
      const appendMany = (store: typeof a, writer: string) =>
        Promise.all(
          Array.from({ length: 500 }, (_, i) => store.append(record({ requestId: `${writer}-${i}` }))),
        );
      const [fromA, fromB] = await Promise.all([appendMany(a, 'a'), appendMany(b, 'b')]);
      const seqs = [...fromA, ...fromB].map((r) => r.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      const report = await a.verify();
      expect(report).toMatchObject({ ok: true, records: 1000 });
      // One checkpoint once 100 records have passed, each batch adding up to 32: at least 1000 / 131.
      expect(report.checkpoints).toBeGreaterThanOrEqual(7);
      expect(await b.verify()).toEqual(report);
      // Every checkpoint either writer signed is consistent with the last, and records written by
      // both verify in it with an independent verifier.
      const { rows } = await dbA.query('SELECT note FROM audit_checkpoints ORDER BY seq');
      const heads = rows.map((row) => checkedCheckpoint(String(row['note']), key));
      const last = heads.at(-1)!;
      for (const head of heads) {
        const proof = await b.consistencyProof(head.size, last.size);
        const hashes = proof.hashes.map((h) => Buffer.from(h, 'base64'));
        expect(verifyConsistency(head.size, last.size, head.root, last.root, hashes)).toBe(true);
      }
      for (const index of [0, 1, 499, 500, 998, last.size - 1]) {
        expect(sigstoreInclusionHolds(await a.inclusionProof(index, last.size), last.root)).toBe(true);
      }
    } finally {
      await a[Symbol.asyncDispose]();
      await b[Symbol.asyncDispose]();
    }
  });
});
