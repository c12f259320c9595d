// A writer that is alone writes each batch as one statement chained on the head it last left
// (AuditWriter). These tests attack that shortcut on real PostgreSQL: another writer moving the head
// between batches, two writers racing, and a batch whose commit the writer never heard of. In every
// case the stale statement must write nothing, and the log must stay one dense, verifiable chain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditContent, normalizeRecord } from '../../gateway/src/audit/chain.ts';
import { noteSignerOf } from '../../gateway/src/audit/checkpoint.ts';
import { migrate } from '../../gateway/src/audit/migrations.ts';
import { openPostgresDatabase } from '../../gateway/src/audit/postgresDatabase.ts';
import type { SqlDatabase, SqlExecutor, SqlRow } from '../../gateway/src/audit/sqlDatabase.ts';
import { verifyLog } from '../../gateway/src/audit/verifyLog.ts';
import { AuditWriter, type WriteBatchOptions } from '../../gateway/src/audit/writeBatch.ts';
import { toJwks } from '../../lib/keys.ts';
import { newKey, record } from '../support/audit/auditTestSupport.ts';
import { createTestDatabase, type TestDatabase } from './auditPostgres.ts';

interface Listed {
  readonly text: string;
  readonly moved?: number;
}

/** The database with every statement and, for a batch statement, how many heads it moved. */
function listing(
  db: SqlDatabase,
  list: Listed[],
  fail?: { next: boolean },
  /** Each statement's prepared-statement name (undefined when sent unnamed), in order. */
  prepared?: (string | undefined)[],
): SqlDatabase {
  const listed = (executor: SqlExecutor): SqlExecutor => ({
    async query<R extends SqlRow>(text: string, params?: readonly unknown[], name?: string) {
      const result = await executor.query<R>(text, params, name);
      const moved = result.rows[0]?.['moved'];
      list.push({ text, ...(moved === undefined ? {} : { moved: Number(moved) }) });
      prepared?.push(name);
      // The commit happened, but the answer is lost on its way back (a connection cut after COMMIT).
      if (fail?.next && text.startsWith('WITH head')) {
        fail.next = false;
        throw new Error('connection terminated after the statement ran');
      }
      return result;
    },
    exec: (text) => executor.exec(text),
  });
  return { ...db, ...listed(db), transaction: (work) => db.transaction((tx) => work(listed(tx))) };
}

describe('one-statement batches of a writer alone, on PostgreSQL', () => {
  let database: TestDatabase;
  const opened: SqlDatabase[] = [];
  let key: Awaited<ReturnType<typeof newKey>>;
  let options: WriteBatchOptions;
  beforeAll(async () => {
    database = await createTestDatabase();
    key = await newKey('audit-writer-test');
    options = { signer: noteSignerOf(key), origin: 'test/audit', checkpointEvery: 7, now: () => new Date() };
  });
  afterAll(async () => {
    for (const db of opened) await db[Symbol.asyncDispose]();
    await database?.[Symbol.asyncDispose]();
  });

  /** A fresh schema, and two connections to it as two gateway processes would have. */
  async function twoProcesses(): Promise<[SqlDatabase, SqlDatabase]> {
    const first = openPostgresDatabase(database.url, { poolSize: 2 });
    const second = openPostgresDatabase(database.url, { poolSize: 2 });
    opened.push(first, second);
    await first.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await migrate(first);
    return [first, second];
  }

  const batch = (label: string, n: number): AuditContent[] =>
    Array.from({ length: n }, (_, i) =>
      normalizeRecord(record({ requestId: `${label}-${i}`, subjects: [`0010990000${i % 10}`] }), new Date()),
    );

  async function seqsAndChain(db: SqlDatabase) {
    const { rows } = await db.query('SELECT seq, request_id FROM audit_records ORDER BY seq');
    return rows.map((r) => ({ seq: Number(r['seq']), requestId: String(r['request_id']) }));
  }

  it('attack: another writer moves the head between batches; the stale statement writes nothing and the batch is chained on the moved head', async () => {
    const [a, b] = await twoProcesses();
    const list: Listed[] = [];
    const first = new AuditWriter(listing(a, list), options);
    const second = new AuditWriter(b, options);
    await first.write(batch('a1', 3)); // under the lock: the head is unknown
    await first.write(batch('a2', 3)); // under the lock, and finds the head where it left it
    await first.write(batch('a3', 3)); // alone: one statement
    expect(list.filter((s) => s.text.includes('FOR UPDATE'))).toHaveLength(2);
    expect(list.at(-1)).toEqual({ text: expect.stringMatching(/^WITH head/), moved: 1 });

    await second.write(batch('b1', 4));
    list.length = 0;
    const written = await first.write(batch('a4', 2));
    // The statement chained on the stale head moved nothing; the batch then went under the lock.
    expect(list.map((s) => s.moved ?? (s.text.includes('FOR UPDATE') ? 'lock' : 'other'))).toEqual([
      0,
      'lock',
      1,
    ]);
    expect(written.map((r) => r.seq)).toEqual([14, 15]);

    const rows = await seqsAndChain(a);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(rows.map((r) => r.requestId.split('-')[0])).toEqual([
      ...Array(3).fill('a1'),
      ...Array(3).fill('a2'),
      ...Array(3).fill('a3'),
      ...Array(4).fill('b1'),
      ...Array(2).fill('a4'),
    ]);
    const report = await verifyLog(a, toJwks([key.publicJwk]));
    expect(report).toMatchObject({ ok: true, records: 15 });
  });

  it('attack: two writers racing for 60 batches each leave one dense chain whose tree and checkpoints verify', async () => {
    const [a, b] = await twoProcesses();
    const writers = [new AuditWriter(a, options), new AuditWriter(b, options)];
    await Promise.all(
      writers.map(async (writer, w) => {
        for (let i = 0; i < 60; i++) await writer.write(batch(`w${w}.${i}`, 1 + (i % 4)));
      }),
    );
    const rows = await seqsAndChain(a);
    const total = 2 * Array.from({ length: 60 }, (_, i) => 1 + (i % 4)).reduce((x, y) => x + y, 0);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.requestId)).size).toBe(total);
    const report = await verifyLog(a, toJwks([key.publicJwk]));
    expect(report).toMatchObject({ ok: true, records: total });
    const { rows: checkpoints } = await a.query('SELECT count(*)::int AS n FROM audit_checkpoints');
    expect(Number(checkpoints[0]?.['n'])).toBeGreaterThan(0);
  });

  it('attack: a batch committed but its answer lost; the next batch does not trust the head it knew', async () => {
    const [a] = await twoProcesses();
    const list: Listed[] = [];
    const fail = { next: false };
    const writer = new AuditWriter(listing(a, list, fail), options);
    await writer.write(batch('a1', 2));
    await writer.write(batch('a2', 2));
    fail.next = true;
    await expect(writer.write(batch('lost', 2))).rejects.toThrow(/connection terminated/);
    list.length = 0;
    const written = await writer.write(batch('a3', 2));
    expect(list[0]?.text).toMatch(/FOR UPDATE/);
    // The lost batch is in the log (seqs 5 and 6): the next one is chained after it, not over it.
    expect(written.map((r) => r.seq)).toEqual([7, 8]);
    expect((await seqsAndChain(a)).map((r) => r.requestId)).toEqual([
      'a1-0',
      'a1-1',
      'a2-0',
      'a2-1',
      'lost-0',
      'lost-1',
      'a3-0',
      'a3-1',
    ]);
    expect(await verifyLog(a, toJwks([key.publicJwk]))).toMatchObject({ ok: true, records: 8 });
  });

  it('sends every batch as the one prepared statement, locked or not, so each connection plans it once', async () => {
    const [a] = await twoProcesses();
    const list: Listed[] = [];
    const prepared: (string | undefined)[] = [];
    const writer = new AuditWriter(listing(a, list, undefined, prepared), options);
    for (const [i, n] of [1, 3, 20, 2].entries()) await writer.write(batch(`p${i}`, n));
    const writes = list.flatMap((s, i) => (s.text.includes('INSERT INTO audit_records') ? [i] : []));
    expect(writes).toHaveLength(4);
    expect(new Set(writes.map((i) => list[i]?.text)).size).toBe(1);
    expect(writes.map((i) => prepared[i])).toEqual(Array(4).fill('lienthong_audit_append'));
  });
});
