// One group-commit transaction. The head row's lock (SELECT … FOR UPDATE) serializes writers across
// every gateway process sharing the database: each batch reads the head, appends records with the
// next consecutive seqs, moves the head, and commits; a second writer waits for the lock and then
// sees the new head. A checkpoint is signed in the same transaction once enough records have passed.
import type { SigningKey } from '../../../lib/keys.ts';
import { type AuditContent, chainRecords } from './chain.ts';
import { writeCheckpoint } from './checkpoint.ts';
import { insertRecords } from './recordRows.ts';
import type { SqlDatabase, SqlExecutor } from './sqlDatabase.ts';
import type { StoredAuditRecord } from './types.ts';

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
  readonly checkpointSeq: number;
}

export async function lockHead(tx: SqlExecutor): Promise<ChainHead> {
  const { rows } = await tx.query('SELECT seq, hash, checkpoint_seq FROM audit_head FOR UPDATE');
  const row = rows[0];
  if (!row) throw new Error('audit_head has no row: the audit schema is incomplete');
  return { seq: Number(row['seq']), hash: String(row['hash']), checkpointSeq: Number(row['checkpoint_seq']) };
}

export interface WriteBatchOptions {
  readonly checkpointKey: SigningKey;
  /** Sign a checkpoint when this many records have been appended since the last; 0 = never by count. */
  readonly checkpointEvery: number;
  readonly now: () => Date;
}

export function writeBatch(
  db: SqlDatabase,
  contents: readonly AuditContent[],
  options: WriteBatchOptions,
): Promise<StoredAuditRecord[]> {
  return db.transaction(async (tx) => {
    const head = await lockHead(tx);
    const records = chainRecords(head, contents);
    await insertRecords(tx, records);
    const last = records.at(-1)!;
    await tx.query('UPDATE audit_head SET seq = $1, hash = $2', [last.seq, last.hash]);
    if (options.checkpointEvery > 0 && last.seq - head.checkpointSeq >= options.checkpointEvery) {
      await writeCheckpoint(tx, options.checkpointKey, last, options.now());
    }
    return records;
  });
}

/** Signs a checkpoint over the current head if records were added since the last; for the timer. */
export function checkpointIfBehind(db: SqlDatabase, key: SigningKey, now: () => Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const head = await lockHead(tx);
    if (head.seq === head.checkpointSeq) return false;
    await writeCheckpoint(tx, key, head, now());
    return true;
  });
}
