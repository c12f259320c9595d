// Tampering written as the attack: someone with write access to the database edits, deletes, inserts
// or reorders rows with plain SQL (naively, or recomputing hashes), and verify() must name the first
// record affected and how.
import { expect, it } from 'vitest';
import { GENESIS_HASH, recordHash } from '../../../gateway/src/audit/chain.ts';
import { RECORD_COLUMNS, recordOfRow } from '../../../gateway/src/audit/recordRows.ts';
import type { SqlExecutor } from '../../../gateway/src/audit/sqlDatabase.ts';
import {
  type FreshDatabaseFactory,
  newKey,
  record,
  type StoreUnderTest,
  withStore,
} from './auditTestSupport.ts';

const RECORDS = 25;

async function seed({ store }: StoreUnderTest): Promise<void> {
  for (let i = 0; i < RECORDS; i++) {
    await store.append(record({ requestId: `r${i}`, subjects: [`0010990000${String(i).padStart(2, '0')}`] }));
  }
}

/** Moves every record from `fromSeq` on by `delta` (through a far range, so the primary key holds). */
async function shiftSeqs(db: SqlExecutor, fromSeq: number, delta: number): Promise<void> {
  for (const table of ['audit_records', 'audit_subjects']) {
    await db.query(`UPDATE ${table} SET seq = seq + 1000000 WHERE seq >= $1`, [fromSeq]);
    await db.query(`UPDATE ${table} SET seq = seq - 1000000 + $1 WHERE seq >= 1000000`, [delta]);
  }
}

/** What an attacker with the code but not the key does: recompute every hash from `fromSeq` on. */
export async function rechain(db: SqlExecutor, fromSeq: number): Promise<void> {
  const prev = await db.query('SELECT hash FROM audit_records WHERE seq = $1', [fromSeq - 1]);
  let prevHash = prev.rows[0] ? String(prev.rows[0]['hash']) : GENESIS_HASH;
  const { rows } = await db.query(
    `SELECT ${RECORD_COLUMNS} FROM audit_records WHERE seq >= $1 ORDER BY seq`,
    [fromSeq],
  );
  for (const row of rows.map(recordOfRow)) {
    const hash = recordHash(row.seq, prevHash, row);
    await db.query('UPDATE audit_records SET prev_hash = $2, hash = $3 WHERE seq = $1', [
      row.seq,
      prevHash,
      hash,
    ]);
    prevHash = hash;
  }
  await db.query('UPDATE audit_head SET seq = (SELECT max(seq) FROM audit_records), hash = $1', [prevHash]);
}

const swap = async (db: SqlExecutor, a: number, b: number) => {
  for (const table of ['audit_records', 'audit_subjects']) {
    await db.query(`UPDATE ${table} SET seq = -1 WHERE seq = $1`, [a]);
    await db.query(`UPDATE ${table} SET seq = $1 WHERE seq = $2`, [a, b]);
    await db.query(`UPDATE ${table} SET seq = $1 WHERE seq = -1`, [b]);
  }
};

const forgedRowSql = `INSERT INTO audit_records (${RECORD_COLUMNS})
  SELECT $1, at, 'forged', client_id, officer, procedure_code, dossier_id, operation_name, operation_hash,
         fields, denied, subjects, sources, outcome, duration_ms, prev_hash, $2, token_id
  FROM audit_records WHERE seq = $3`;

type Attack = (s: StoreUnderTest) => Promise<void>;

/** One attack on the stored log: what the attacker does, and what verify() must report. */
export interface TamperAttack {
  readonly name: string;
  readonly run: Attack;
  readonly expected: { readonly seq: number; readonly kind: string };
}

let collect: (attack: TamperAttack) => void = () => {};
const attack = (name: string, run: Attack, expected: { seq: number; kind: string }) =>
  collect({ name, run, expected });

/** The attacks, on a log of 25 records seeded by `seedTamperLog` with a checkpoint every 10. */
export function tamperAttacks(): TamperAttack[] {
  const list: TamperAttack[] = [];
  collect = (a) => list.push(a);
  defineAttacks();
  return list;
}

export const seedTamperLog = seed;
export const TAMPER_RECORDS = RECORDS;

function defineAttacks(): void {
  attack(
    'editing a record',
    ({ db }) => db.query("UPDATE audit_records SET client_id = 'someone-else' WHERE seq = 5").then(),
    {
      seq: 5,
      kind: 'edited',
    },
  );
  attack(
    'editing a record and recomputing its hash',
    async ({ db }) => {
      const row = recordOfRow(
        (await db.query(`SELECT ${RECORD_COLUMNS} FROM audit_records WHERE seq = 5`)).rows[0]!,
      );
      const edited = { ...row, outcome: 'denied' as const };
      await db.query("UPDATE audit_records SET outcome = 'denied', hash = $1 WHERE seq = 5", [
        recordHash(5, row.prevHash, edited),
      ]);
    },
    { seq: 5, kind: 'edited' },
  );
  attack(
    'editing a record and recomputing the chain after it',
    async ({ db }) => {
      await db.query("UPDATE audit_records SET officer = 'nobody' WHERE seq = 15");
      await rechain(db, 15);
    },
    { seq: 11, kind: 'edited' },
  );
  attack('deleting a record', ({ db }) => db.query('DELETE FROM audit_records WHERE seq = 5').then(), {
    seq: 5,
    kind: 'deleted',
  });
  attack(
    'deleting a record and renumbering the rest',
    async ({ db }) => {
      await db.query('DELETE FROM audit_records WHERE seq = 5');
      await db.query('DELETE FROM audit_subjects WHERE seq = 5');
      await shiftSeqs(db, 6, -1);
      await db.query('UPDATE audit_head SET seq = seq - 1');
    },
    { seq: 5, kind: 'deleted' },
  );
  attack(
    'deleting the newest record',
    ({ db }) => db.query(`DELETE FROM audit_records WHERE seq = ${RECORDS}`).then(),
    {
      seq: RECORDS,
      kind: 'deleted',
    },
  );
  attack(
    'truncating the log behind a checkpoint and moving the head back',
    async ({ db }) => {
      await db.query('DELETE FROM audit_records WHERE seq > 15');
      await db.query('DELETE FROM audit_subjects WHERE seq > 15');
      await db.query(
        'UPDATE audit_head SET seq = 15, hash = (SELECT hash FROM audit_records WHERE seq = 15)',
      );
    },
    { seq: 16, kind: 'deleted' },
  );
  attack(
    'inserting a record in the middle',
    async ({ db }) => {
      await shiftSeqs(db, 5, 1);
      await db.query(forgedRowSql, [5, 'f'.repeat(64), 4]);
    },
    { seq: 5, kind: 'inserted' },
  );
  attack(
    'inserting a record in the middle and recomputing its hash',
    async ({ db }) => {
      await shiftSeqs(db, 5, 1);
      await db.query(forgedRowSql, [5, 'f'.repeat(64), 4]);
      await db.query(
        'UPDATE audit_records SET prev_hash = (SELECT hash FROM audit_records WHERE seq = 4) WHERE seq = 5',
      );
      const forged = recordOfRow(
        (await db.query(`SELECT ${RECORD_COLUMNS} FROM audit_records WHERE seq = 5`)).rows[0]!,
      );
      await db.query('UPDATE audit_records SET hash = $1 WHERE seq = 5', [
        recordHash(5, forged.prevHash, forged),
      ]);
      await db.query('UPDATE audit_head SET seq = seq + 1');
    },
    { seq: 5, kind: 'inserted' },
  );
  attack(
    'appending a forged record',
    ({ db }) => db.query(forgedRowSql, [RECORDS + 1, 'f'.repeat(64), RECORDS]).then(),
    {
      seq: RECORDS + 1,
      kind: 'inserted',
    },
  );
  attack('swapping two neighbouring records', ({ db }) => swap(db, 5, 6), { seq: 5, kind: 'reordered' });
  attack('swapping two distant records', ({ db }) => swap(db, 5, 9), { seq: 5, kind: 'reordered' });
  attack(
    'removing a subject from the subject index',
    ({ db }) => db.query('DELETE FROM audit_subjects WHERE seq = 7').then(),
    { seq: 7, kind: 'edited' },
  );
  attack(
    'altering a signed checkpoint',
    async ({ db }) => {
      const { rows } = await db.query('SELECT id, note FROM audit_checkpoints WHERE seq = 20');
      const [origin, , root, ...rest] = String(rows[0]!['note']).split('\n');
      await db.query('UPDATE audit_checkpoints SET note = $1 WHERE id = $2', [
        [origin, '25', root, ...rest].join('\n'),
        rows[0]!['id'],
      ]);
    },
    { seq: 20, kind: 'bad-checkpoint' },
  );
}

export function tamperContract(factory: FreshDatabaseFactory): void {
  for (const { name, run, expected } of tamperAttacks()) {
    it(`${name} is reported at record ${expected.seq} as ${expected.kind}`, async () => {
      await withStore(factory, { checkpointEvery: 10 }, async (s) => {
        await seed(s);
        expect(await s.store.verify()).toEqual({ ok: true, records: RECORDS, checkpoints: 2 });
        await run(s);
        const report = await s.store.verify();
        expect(report.ok).toBe(false);
        expect(report.firstProblem).toMatchObject(expected);
        expect(report.firstProblem?.detail).toMatch(/record/);
      });
    });
  }

  it('verifies checkpoints signed before a key rotation with a JWKS holding both keys', async () => {
    const oldKey = await newKey('audit-old');
    const newer = await newKey('audit-new');
    await withStore(factory, { checkpointEvery: 5, checkpointKey: oldKey }, async ({ store, db }) => {
      for (let i = 0; i < 5; i++) await store.append(record({ requestId: `old-${i}` }));
      const { auditStoreOn } = await import('../../../gateway/src/audit/createAuditStore.ts');
      const { silentLogger } = await import('../../../lib/logger.ts');
      // The same database, reopened by a gateway holding the new key (this store must not close it).
      const rotated = auditStoreOn(
        { ...db, [Symbol.asyncDispose]: async () => {} },
        {
          checkpointKey: newer,
          checkpointEvery: 5,
          checkpointIntervalMs: 0,
          logger: silentLogger(),
        },
      );
      for (let i = 0; i < 5; i++) await rotated.append(record({ requestId: `new-${i}` }));
      await rotated[Symbol.asyncDispose]();
      const both = { keys: [oldKey.publicJwk, newer.publicJwk] };
      expect(await store.verify(both)).toEqual({ ok: true, records: 10, checkpoints: 2 });
      expect((await store.verify({ keys: [newer.publicJwk] })).firstProblem).toMatchObject({
        seq: 5,
        kind: 'bad-checkpoint',
        detail: expect.stringContaining('key not in the JWKS'),
      });
    });
  });
}
