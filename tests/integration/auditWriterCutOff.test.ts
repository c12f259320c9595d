// Several gateways share one audit head row lock. A replica cut off from PostgreSQL in the middle of
// its batch transaction (a network partition, a frozen process: the server sees a session idle in a
// transaction) must not stall the other replicas' records for longer than the session limit: the
// server ends that session, its uncommitted batch is rolled back, and the others write on into one
// intact log.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditStoreOn } from '../../gateway/src/audit/createAuditStore.ts';
import { migrate } from '../../gateway/src/audit/migrations.ts';
import { openPostgresDatabase } from '../../gateway/src/audit/postgresDatabase.ts';
import { lockHead } from '../../gateway/src/audit/writeBatch.ts';
import { silentLogger } from '../../lib/logger.ts';
import { newKey, record } from '../support/audit/auditTestSupport.ts';
import { createTestDatabase, type TestDatabase } from './auditPostgres.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.[Symbol.asyncDispose]();
});

it('a replica cut off while holding the head lock stalls the others only until the server ends its session', async () => {
  // The cut-off replica's session ends after 1 s idle in its transaction (half its statement limit);
  // the other replica waits for the lock up to its own statement limit, far longer.
  const cutOff = openPostgresDatabase(database.url, { statementTimeoutMs: 2_000 });
  const other = openPostgresDatabase(database.url, { statementTimeoutMs: 20_000 });
  await migrate(other);
  const store = auditStoreOn(other, {
    checkpointKey: await newKey('audit-cut-off'),
    checkpointIntervalMs: 0,
    // Long enough to outlast the cut-off session's limit on any machine; the limit is what is tested.
    appendTimeoutMs: 30_000,
    logger: silentLogger(),
  });
  let release = () => {};
  const silence = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked = () => {};
  const holding = new Promise<void>((resolve) => {
    locked = resolve;
  });
  // The cut-off replica takes the lock, then says nothing more to the server.
  const stalled = cutOff
    .transaction(async (tx) => {
      await lockHead(tx);
      locked();
      await silence;
    })
    .then(
      () => 'committed',
      () => 'rolled back',
    );
  try {
    await holding;
    const written = await store.append(record({ requestId: 'after-the-cut' }));
    expect(written.seq).toBe(1);
    release();
    // Its batch never committed: the server ended the session and rolled it back.
    expect(await stalled).toBe('rolled back');
    await store.append(record({ requestId: 'and-on' }));
    expect(await store.verify()).toMatchObject({ ok: true, records: 2 });
  } finally {
    release();
    await store[Symbol.asyncDispose]();
    await cutOff[Symbol.asyncDispose]();
  }
}, 60_000);
