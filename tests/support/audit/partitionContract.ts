// Monthly partitions and archiving (migration 004, archive.ts), on either database: records land in
// their month's partition across a boundary; a store written under migrations 001–003 moves into
// partitions and keeps verifying; a month exported and detached leaves a live log that verifies and
// serves proofs, and an export file that verifies offline. The attacks: a month dropped without an
// archive, an archive row that does not match the tree, and an edited or shortened export file.
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  ARCHIVE_FORMAT,
  ArchiveError,
  detachMonth,
  exportMonth,
  type MonthArchive,
  verifyArchive,
} from '../../../gateway/src/audit/archive.ts';
import { normalizeRecord } from '../../../gateway/src/audit/chain.ts';
import { checkInclusion } from '../../../gateway/src/audit/checkInclusion.ts';
import { noteSignerOf } from '../../../gateway/src/audit/checkpoint.ts';
import { verifyConsistency } from '../../../gateway/src/audit/merkle.ts';
import { loadMigrations, migrate } from '../../../gateway/src/audit/migrations.ts';
import { buildPageQuery } from '../../../gateway/src/audit/queryEvents.ts';
import type { SqlDatabase, SqlExecutor } from '../../../gateway/src/audit/sqlDatabase.ts';
import type { AuditFilter, AuditStore } from '../../../gateway/src/audit/types.ts';
import { verifyLog } from '../../../gateway/src/audit/verifyLog.ts';
import { writeBatch } from '../../../gateway/src/audit/writeBatch.ts';
import {
  type FreshDatabaseFactory,
  newKey,
  record,
  type StoreUnderTest,
  steppingClock,
  withStore,
} from './auditTestSupport.ts';
import { checkedCheckpoint, sigstoreInclusionHolds } from './proofContract.ts';

/** Where each record is stored: `seq → partition name`. */
async function partitionsOf(db: SqlExecutor, table: 'audit_records' | 'audit_subjects') {
  const { rows } = await db.query(`SELECT tableoid::regclass::text AS part, seq FROM ${table} ORDER BY seq`);
  return new Map(rows.map((r) => [Number(r['seq']), String(r['part'])]));
}

const monthRecords = async (db: SqlExecutor, month: string) => {
  const from = new Date(`${month}-01T00:00:00Z`);
  const to = new Date(from);
  to.setUTCMonth(to.getUTCMonth() + 1);
  const { rows } = await db.query('SELECT seq FROM audit_records WHERE at >= $1 AND at < $2 ORDER BY seq', [
    from,
    to,
  ]);
  return rows.map((r) => Number(r['seq']));
};

// From 30 s before February, a clock second per record: records 1–30 are January's. Record 41 is a
// January record written among February's (a writer's clock behind the others'), as happens at a
// month's boundary with several writers. 80 records, a checkpoint every 8.
const BOUNDARY_CLOCK = Date.parse('2026-01-31T23:59:30Z');
async function seedAcrossMonths({ store }: StoreUnderTest, n = 80): Promise<void> {
  for (let i = 0; i < n; i++) {
    const late = i === 40 ? { at: new Date('2026-01-31T23:59:59.500Z') } : {};
    await store.append(
      record({ requestId: `r${i}`, subjects: [`00109900${String(i).padStart(4, '0')}`], ...late }),
    );
  }
}
const storeOptions = () => ({ clock: steppingClock(BOUNDARY_CLOCK), checkpointEvery: 8 });

/** January's records: 1…k (checkpoints take clock seconds too, so k < 30), then record 41. */
async function januaryOf(db: SqlExecutor): Promise<number[]> {
  const january = await monthRecords(db, '2026-01');
  const k = january.length - 1;
  expect(k).toBeGreaterThan(20);
  expect(january).toEqual([...Array.from({ length: k }, (_, i) => i + 1), 41]);
  return january;
}

async function exportToLines(
  s: StoreUnderTest,
  month: string,
): Promise<{ archive: MonthArchive; lines: string[] }> {
  const lines: string[] = [];
  const archive = await exportMonth(s.db, month, async (line) => {
    lines.push(line);
  });
  return { archive, lines };
}

async function* linesOf(lines: readonly string[]) {
  for (const line of lines) yield line.replace(/\n$/, '');
}

const sha256 = (lines: readonly string[]) => createHash('sha256').update(lines.join('')).digest('hex');

async function latestHead(store: AuditStore, key: StoreUnderTest['key']) {
  const note = await store.checkpoint();
  return checkedCheckpoint(note!, key);
}

/** Whether the month's (`2026_03`) records partition is attached. */
async function attached(db: SqlExecutor, month: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT count(*) AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'audit_records'::regclass AND c.relname = $1`,
    [`audit_records_${month}`],
  );
  return Number(rows[0]!['n']) === 1;
}

/** The database, with every statement the store sends to it, through a transaction or not, listed. */
function listingStatements(fresh: FreshDatabaseFactory, statements: string[]): FreshDatabaseFactory {
  const listed = (executor: SqlExecutor): SqlExecutor => ({
    query: (text, params, name) => {
      statements.push(text);
      return executor.query(text, params, name);
    },
    exec: (text) => {
      statements.push(text);
      return executor.exec(text);
    },
  });
  return async () => {
    const { db, cleanup } = await fresh();
    const wrapped: SqlDatabase = {
      ...db,
      kind: db.kind,
      ...listed(db),
      transaction: (work) => db.transaction((tx) => work(listed(tx))),
      [Symbol.asyncDispose]: () => db[Symbol.asyncDispose](),
    };
    return { db: wrapped, cleanup };
  };
}

export function partitionContract(fresh: FreshDatabaseFactory): void {
  it('creates a month once, ahead of its first record, and adds no statement to the write path', async () => {
    const statements: string[] = [];
    const ensured = () => statements.filter((q) => q.startsWith('SELECT audit_ensure_month')).length;
    const clock = steppingClock(Date.parse('2026-01-31T23:59:00Z'));
    await withStore(listingStatements(fresh, statements), { clock, checkpointEvery: 0 }, async (s) => {
      await s.store.append(record({ requestId: 'first' }));
      // At start the system clock's month and the next; the first write of January creates it (the
      // test's clock is in another month), then February is created in the background.
      await expect.poll(() => attached(s.db, '2026_02'), { timeout: 30_000 }).toBe(true);
      expect(ensured()).toBe(4);
      const before = statements.length;
      for (let i = 0; i < 50; i++) await s.store.append(record({ requestId: `jan${i}` }));
      // Each write is one statement inserting the records, their subjects and the tree nodes when a
      // block completes, and moving the head; a writer alone takes the head lock only for the first
      // batch (where it learns it is alone); no partition statement.
      const during = statements.slice(before);
      expect(during.filter((q) => q.includes('audit_ensure_month') || q.includes('pg_inherits'))).toEqual([]);
      expect(during.filter((q) => q.includes('FOR UPDATE')).length).toBeLessThanOrEqual(1);
      const writes = during.filter((q) => q.includes('INSERT INTO audit_records'));
      expect(writes).toHaveLength(50);
      for (const write of writes)
        expect(write).toMatch(
          /^WITH head AS \(\s*UPDATE audit_head.*INSERT INTO audit_records.*INSERT INTO audit_subjects/s,
        );
      expect(during.filter((q) => q.startsWith('UPDATE audit_head'))).toEqual([]);
      // Crossing into February (created already) writes at once and prepares March in the background.
      for (let i = 0; i < 20; i++) await s.store.append(record({ requestId: `feb${i}` }));
      await expect.poll(() => attached(s.db, '2026_03'), { timeout: 30_000 }).toBe(true);
      expect(ensured()).toBe(5);
      const parts = new Set((await partitionsOf(s.db, 'audit_records')).values());
      expect(parts).toEqual(new Set(['audit_records_2026_01', 'audit_records_2026_02']));
    });
  });

  it('stores each record in the partition of its month, across a month boundary', async () => {
    await withStore(fresh, { clock: steppingClock(Date.parse('2026-01-31T23:59:55Z')) }, async (s) => {
      for (let i = 0; i < 10; i++) await s.store.append(record({ requestId: `r${i}` }));
      // A record dated years ahead gets its month's partition when it is written.
      await s.store.append(record({ requestId: 'far', at: new Date('2031-07-15T10:00:00Z') }));
      const records = await partitionsOf(s.db, 'audit_records');
      const subjects = await partitionsOf(s.db, 'audit_subjects');
      const expected = new Map<number, string>();
      for (let seq = 1; seq <= 10; seq++)
        expected.set(seq, seq <= 5 ? 'audit_records_2026_01' : 'audit_records_2026_02');
      expected.set(11, 'audit_records_2031_07');
      expect(records).toEqual(expected);
      expect(subjects).toEqual(new Map([...expected].map(([k, v]) => [k, v.replace('records', 'subjects')])));
      const { rows } = await s.db.query(
        "SELECT relkind FROM pg_class WHERE relname IN ('audit_records', 'audit_subjects')",
      );
      expect(rows.map((r) => r['relkind'])).toEqual(['p', 'p']);
      expect(await s.store.verify()).toMatchObject({ ok: true, records: 11 });
      // A bounded query reads its months through the partitions like before.
      const page = await s.store.query(
        { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' },
        { first: 50 },
      );
      expect(page.edges.map((e) => Number(e.node.id))).toEqual([10, 9, 8, 7, 6]);
    });
  });

  it('reads a page bounded in time from the partitions of its months only, by index', async () => {
    await withStore(fresh, storeOptions(), async (s) => {
      await seedAcrossMonths(s);
      const february = { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' };
      const plans = await s.db.transaction(async (tx) => {
        // Tiny tables would be read whole whatever their indexes; this asks whether an index serves.
        await tx.exec('SET LOCAL enable_seqscan = off');
        const plan = async (filter: AuditFilter) => {
          const { text, params } = buildPageQuery(filter, { first: 20 });
          const { rows } = await tx.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${text}`, params);
          return rows.map((r) => String(r['QUERY PLAN'])).join('\n');
        };
        return [
          await plan({ ...february, clientId: 'ubnd-hanoi.motcua' }),
          await plan({ ...february, subject: '001099000050' }),
        ];
      });
      for (const plan of plans) {
        expect(plan).not.toMatch(/Seq Scan/);
        // Other months are pruned when planning, or (the records joined to the subject index, by
        // their time) at run time: never read.
        const otherMonths = plan
          .split('\n')
          .filter((line) => /_20\d\d_\d\d/.test(line) && !line.includes('_2026_02'));
        for (const line of otherMonths) expect(line).toContain('never executed');
      }
      expect(plans[0]).toMatch(/Index (Only )?Scan (Backward )?using \S+ on audit_records_2026_02/);
      expect(plans[1]).toMatch(/Index (Only )?Scan (Backward )?using \S+ on audit_subjects_2026_02/);
    });
  });

  it('moves a log written under migrations 001–003 into monthly partitions, and it still verifies', async () => {
    const { db, cleanup } = await fresh();
    try {
      const older = (await loadMigrations()).filter((m) => m.version <= 3);
      expect(await migrate(db, older)).toEqual([1, 2, 3]);
      const key = await newKey('audit-upgrade');
      const options = {
        signer: noteSignerOf(key),
        origin: 'lienthong/audit',
        checkpointEvery: 7,
        now: () => new Date(),
      };
      // December and January, in batches, as a gateway of the previous version wrote them.
      const at = (i: number) => new Date(Date.parse('2025-12-31T23:59:40Z') + i * 1000);
      for (let batch = 0; batch < 5; batch++) {
        const contents = Array.from({ length: 9 }, (_, j) =>
          normalizeRecord(record({ requestId: `old${batch * 9 + j}` }), at(batch * 9 + j)),
        );
        await writeBatch(db, contents, options);
      }
      const before = await verifyLog(db, { keys: [key.publicJwk] });
      expect(before).toMatchObject({ ok: true, records: 45 });
      expect(await migrate(db)).toEqual([4]);
      const parts = await partitionsOf(db, 'audit_records');
      expect([...parts.values()].filter((p) => p === 'audit_records_2025_12')).toHaveLength(20);
      expect([...parts.values()].filter((p) => p === 'audit_records_2026_01')).toHaveLength(25);
      expect((await partitionsOf(db, 'audit_subjects')).size).toBe(45);
      expect(await verifyLog(db, { keys: [key.publicJwk] })).toEqual(before);
    } finally {
      await db[Symbol.asyncDispose]();
      await cleanup();
    }
  });

  it('exports a month, detaches it, and the live log still verifies and serves proofs', async () => {
    await withStore(fresh, storeOptions(), async (s) => {
      await seedAcrossMonths(s);
      const january = await januaryOf(s.db);
      const { archive, lines } = await exportToLines(s, '2026-01');
      expect(archive).toMatchObject({
        month: '2026-01',
        firstSeq: 1,
        lastSeq: 41,
        monthRecords: january.length,
        records: 41,
      });
      // Every record's line is an event audit:verify-inclusion accepts.
      const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(parsed[0]).toMatchObject({ format: ARCHIVE_FORMAT, checkpointSize: archive.checkpointSize });
      expect(parsed.at(-1)).toEqual({ end: ARCHIVE_FORMAT, records: 41 });
      for (const line of parsed.slice(1, -1)) expect(checkInclusion(line, [s.key.publicJwk]).ok).toBe(true);
      const offline = await verifyArchive(linesOf(lines), [s.key.publicJwk]);
      expect(offline).toMatchObject({ ok: true, month: '2026-01', records: 41, firstSeq: 1, lastSeq: 41 });

      await detachMonth(s.db, archive, sha256(lines));
      // January's partitions are detached and renamed; the February records among them stay.
      const left = await partitionsOf(s.db, 'audit_records');
      expect([...left.keys()]).toEqual(
        Array.from({ length: 80 }, (_, i) => i + 1).filter((q) => !january.includes(q)),
      );
      expect(new Set(left.values())).toEqual(new Set(['audit_records_2026_02']));
      const { rows } = await s.db.query(
        "SELECT relname FROM pg_class WHERE relname LIKE 'audit\\_%\\_2026\\_01%' AND relkind = 'r' ORDER BY relname",
      );
      expect(rows.map((r) => r['relname'])).toEqual([
        'audit_records_2026_01_archived',
        'audit_subjects_2026_01_archived',
      ]);
      await s.db.exec('DROP TABLE audit_records_2026_01_archived, audit_subjects_2026_01_archived');
      expect(await s.store.verify()).toMatchObject({ ok: true, records: 80 - january.length });

      // Writing goes on; proofs of every record left, and consistency from the archived checkpoint on.
      for (let i = 0; i < 20; i++) await s.store.append(record({ requestId: `after${i}` }));
      expect(await s.store.verify()).toMatchObject({ ok: true, records: 100 - january.length });
      const head = await latestHead(s.store, s.key);
      for (const seq of [...left.keys(), 81, 90, head.size]) {
        expect(sigstoreInclusionHolds(await s.store.inclusionProof(seq - 1, head.size), head.root)).toBe(
          true,
        );
        expect((await s.store.recordInclusion(seq))?.leafIndex).toBe(seq - 1);
      }
      const archived = checkedCheckpoint(archive.checkpoint, s.key);
      const consistency = await s.store.consistencyProof(archived.size, head.size);
      const hashes = consistency.hashes.map((h) => Buffer.from(h, 'base64'));
      expect(verifyConsistency(archived.size, head.size, archived.root, head.root, hashes)).toBe(true);
      // An archived month is not exported twice.
      await expect(exportToLines(s, '2026-01')).rejects.toThrow(ArchiveError);
    });
  });

  it('archives two months whose records interleave at their boundary, and the log verifies', async () => {
    await withStore(fresh, storeOptions(), async (s) => {
      await seedAcrossMonths(s);
      const january = await januaryOf(s.db);
      const jan = await exportToLines(s, '2026-01');
      await detachMonth(s.db, jan.archive, sha256(jan.lines));
      // March's records, so that the tree grows past February's last block.
      for (let i = 0; i < 30; i++)
        await s.store.append(
          record({ requestId: `mar${i}`, at: new Date(`2026-03-02T00:00:${String(i).padStart(2, '0')}Z`) }),
        );
      const feb = await exportToLines(s, '2026-02');
      // February runs from the record after January's last in order to 80, less record 41.
      const february = 80 - january.length;
      expect(feb.archive).toMatchObject({
        firstSeq: january.length,
        lastSeq: 80,
        monthRecords: february,
        records: february,
      });
      expect(await verifyArchive(linesOf(feb.lines), [s.key.publicJwk])).toMatchObject({
        ok: true,
        records: february,
      });
      await detachMonth(s.db, feb.archive, sha256(feb.lines));
      expect(await s.store.verify()).toMatchObject({ ok: true, records: 30 });
      const head = await latestHead(s.store, s.key);
      expect(sigstoreInclusionHolds(await s.store.inclusionProof(80, head.size), head.root)).toBe(true);
    });
  });

  it('refuses to export a month with no records, and to detach one whose records changed since the export', async () => {
    await withStore(fresh, storeOptions(), async (s) => {
      await seedAcrossMonths(s);
      await expect(exportToLines(s, '2025-11')).rejects.toThrow('the audit log has no records in 2025-11');
      const { archive, lines } = await exportToLines(s, '2026-01');
      await s.store.append(record({ requestId: 'late', at: new Date('2026-01-20T00:00:00Z') }));
      await expect(detachMonth(s.db, archive, sha256(lines))).rejects.toThrow('changed since the export');
      expect((await partitionsOf(s.db, 'audit_records')).get(1)).toBe('audit_records_2026_01');
      expect(Number((await s.db.query('SELECT count(*) AS n FROM audit_archives')).rows[0]!['n'])).toBe(0);
      expect(await s.store.verify()).toMatchObject({ ok: true, records: 81 });
    });
  });

  it('attack: dropping a month partition without archiving it is reported as deleted records, naming them', async () => {
    await withStore(fresh, storeOptions(), async (s) => {
      await seedAcrossMonths(s);
      const january = await januaryOf(s.db);
      await s.db.exec(
        'ALTER TABLE audit_records DETACH PARTITION audit_records_2026_01; DROP TABLE audit_records_2026_01;' +
          'ALTER TABLE audit_subjects DETACH PARTITION audit_subjects_2026_01; DROP TABLE audit_subjects_2026_01',
      );
      const report = await s.store.verify();
      expect(report).toMatchObject({ ok: false, firstProblem: { seq: 1, kind: 'deleted' } });
      expect(report.firstProblem!.detail).toBe(
        `records 1–${january.length - 1} are missing and no archive records them; the log resumes at record ${january.length}`,
      );
    });
  });

  it('attack: a month dropped with a forged archive row that does not match the tree is detected', async () => {
    await withStore(fresh, storeOptions(), async (s) => {
      await seedAcrossMonths(s);
      const { archive, lines } = await exportToLines(s, '2026-01');
      await detachMonth(s.db, archive, sha256(lines));
      await s.db.query("UPDATE audit_archives SET tree_root = repeat('ab', 32)");
      expect(await s.store.verify()).toMatchObject({
        ok: false,
        firstProblem: {
          seq: 1,
          kind: 'edited',
          detail: 'the archive of records 1–41 does not match the stored tree over them',
        },
      });
    });
  });

  it('attack: deleting the tree nodes kept over an archived month is detected', async () => {
    await withStore(fresh, storeOptions(), async (s) => {
      await seedAcrossMonths(s);
      const { archive, lines } = await exportToLines(s, '2026-01');
      await detachMonth(s.db, archive, sha256(lines));
      await s.db.query('DELETE FROM audit_tree WHERE level < 4');
      expect(await s.store.verify()).toMatchObject({ ok: false, firstProblem: { seq: 1, kind: 'deleted' } });
    });
  });

  it('attack: an edited, reordered or shortened export file fails offline verification', async () => {
    await withStore(fresh, storeOptions(), async (s) => {
      await seedAcrossMonths(s);
      const { lines } = await exportToLines(s, '2026-01');
      const keys = [s.key.publicJwk];
      const edit = (index: number, change: (line: Record<string, unknown>) => void) => {
        const copy = [...lines];
        const line = JSON.parse(copy[index]!) as Record<string, unknown>;
        change(line);
        copy[index] = `${JSON.stringify(line)}\n`;
        return copy;
      };
      const verdict = async (copy: string[]) => verifyArchive(linesOf(copy), keys);
      const set = (member: string, value: unknown) => (line: Record<string, unknown>) => {
        line[member] = value;
      };
      // What the leaf shows in clear, what it holds as a commitment, and what only the chain covers.
      expect(await verdict(edit(5, set('clientId', 'someone-else')))).toMatchObject({
        ok: false,
        line: 6,
        reason: "record 5: the event's clientId differs from the record in the log",
      });
      expect(await verdict(edit(5, set('officer', 'officer-b')))).toMatchObject({
        ok: false,
        reason: 'record 5 differs from its leaf in the log',
      });
      expect(await verdict(edit(5, set('subjects', ['001099999999'])))).toMatchObject({
        ok: false,
        reason: 'record 5 differs from its leaf in the log',
      });
      expect(await verdict(edit(5, set('prevHash', '0'.repeat(64))))).toMatchObject({
        ok: false,
        reason: 'record 5 does not match its chain hash',
      });
      // A record taken out, or two swapped.
      expect(await verdict([...lines.slice(0, 5), ...lines.slice(6)])).toMatchObject({
        ok: false,
        reason: 'the archive ends after 40 records, its trailer says 41',
      });
      expect(await verdict([lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)])).toMatchObject({
        ok: false,
        reason: "record 1 is out of the archive's order or range",
      });
      expect(await verdict(lines.slice(0, -1))).toMatchObject({
        ok: false,
        reason: expect.stringContaining('cut short'),
      });
      const otherKey = await newKey('audit-other');
      expect(await verifyArchive(linesOf(lines), [otherKey.publicJwk])).toMatchObject({ ok: false, line: 1 });
      expect(await verdict(lines)).toMatchObject({ ok: true, records: 41 });
    });
  });
}
