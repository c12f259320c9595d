// One group-commit transaction. The head row's lock (SELECT … FOR UPDATE) serializes writers across
// every gateway process sharing the database: each batch reads the head, appends records with the
// next consecutive seqs and their Merkle tree nodes, moves the head, and commits; a second writer
// waits for the lock and then sees the new head. A checkpoint is signed in the same transaction once
// enough records have passed.
import { type AuditContent, chainRecords } from './chain.ts';
import { writeCheckpoint } from './checkpoint.ts';
import { newLeafSeed } from './leaf.ts';
import type { Frontier } from './merkle.ts';
import { catchUpTree, frontierOf, growTree, nodeInsert } from './merkleLog.ts';
import { ensureMonth, type PartitionCalendar } from './partitions.ts';
import { recordInserts } from './recordRows.ts';
import type { NoteSigner } from './signedNote.ts';
import { bindTo, type SqlDatabase, type SqlExecutor } from './sqlDatabase.ts';
import type { StoredAuditRecord } from './types.ts';

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
  readonly checkpointSeq: number;
  readonly tree: Frontier;
}

export async function lockHead(tx: SqlExecutor): Promise<ChainHead> {
  const { rows } = await tx.query(
    'SELECT seq, hash, checkpoint_seq, tree_size, frontier FROM audit_head FOR UPDATE',
  );
  const row = rows[0];
  if (!row) throw new Error('audit_head has no row: the audit schema is incomplete');
  return {
    seq: Number(row['seq']),
    hash: String(row['hash']),
    checkpointSeq: Number(row['checkpoint_seq']),
    tree: frontierOf({ size: Number(row['tree_size']), frontier: row['frontier'] as string[] }),
  };
}

const saveTree = (tx: SqlExecutor, tree: Frontier) =>
  tx.query('UPDATE audit_head SET tree_size = $1, frontier = $2', [
    tree.size,
    tree.hashes.map((h) => h.toString('hex')),
  ]);

export interface WriteBatchOptions {
  readonly signer: NoteSigner;
  /** The checkpoints' origin line. */
  readonly origin: string;
  /** Sign a checkpoint when this many records have been appended since the last; 0 = never by count. */
  readonly checkpointEvery: number;
  readonly now: () => Date;
  /** The months whose partitions exist; absent, the caller has created them (tests, tools). */
  readonly calendar?: PartitionCalendar;
}

export function writeBatch(
  db: SqlDatabase,
  contents: readonly AuditContent[],
  options: WriteBatchOptions,
): Promise<StoredAuditRecord[]> {
  const ats = contents.map((c) => c.at);
  // In memory: only a month this process has not seen yet costs a statement, once.
  const missing = options.calendar?.missing(ats) ?? [];
  const written = db.transaction(async (tx) => {
    const head = await lockHead(tx);
    for (const month of missing) await ensureMonth(tx, month);
    // Records from before the tree existed are normally covered at start (extendTree); this is the
    // fallback for a store opened on a database another, older process still writes.
    while (head.tree.size < head.seq) {
      // Records missing below the head: writing on would build the tree over a damaged log.
      if ((await catchUpTree(tx, head.tree, 10_000)) === 0)
        throw new Error('audit records are missing below the head');
    }
    const records = chainRecords(head, contents);
    const seeds = records.map(() => newLeafSeed());
    const completed = growTree(
      head.tree,
      records.map((record, i) => ({ seq: record.seq, content: record, seed: seeds[i]! })),
    );
    // The records, their subject rows, the tree's new nodes and the moved head go in one statement
    // (data-modifying WITH clauses): one round trip while the head lock is held, not four.
    const params: unknown[] = [];
    const bind = bindTo(params);
    const writes = [...recordInserts(records, seeds, params), nodeInsert(completed, params)].filter(
      (statement): statement is string => statement !== undefined,
    );
    const last = records.at(-1)!;
    const moveHead = `UPDATE audit_head SET seq = ${bind(last.seq)}, hash = ${bind(last.hash)}, tree_size = ${bind(head.tree.size)}, frontier = ${bind(head.tree.hashes.map((h) => h.toString('hex')))}`;
    await tx.query(`WITH ${writes.map((w, i) => `write${i} AS (${w})`).join(', ')} ${moveHead}`, params);
    if (options.checkpointEvery > 0 && last.seq - head.checkpointSeq >= options.checkpointEvery) {
      await writeCheckpoint(tx, options.signer, options.origin, treeHead(head.tree), options.now());
    }
    return records;
  });
  const { calendar } = options;
  if (!calendar) return written;
  return written.then((records) => {
    calendar.committed(ats, missing);
    return records;
  });
}

const treeHead = (tree: Frontier) => ({ size: tree.size, root: tree.root() });

/** Signs a checkpoint over the current tree head if records were added since the last; for the timer. */
export function checkpointIfBehind(
  db: SqlDatabase,
  options: Pick<WriteBatchOptions, 'signer' | 'origin' | 'now'>,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const head = await lockHead(tx);
    if (head.tree.size < head.seq || head.tree.size === head.checkpointSeq) return false;
    await writeCheckpoint(tx, options.signer, options.origin, treeHead(head.tree), options.now());
    return true;
  });
}

/**
 * Extends the tree over the records written before it existed (the chain of an upgraded log becomes
 * its first leaves), a page per transaction so that writers wait for one page at most.
 */
export async function extendTree(db: SqlDatabase, pageSize = 10_000): Promise<number> {
  let added = 0;
  for (;;) {
    const step = await db.transaction(async (tx) => {
      const head = await lockHead(tx);
      if (head.tree.size >= head.seq) return 0;
      const n = await catchUpTree(tx, head.tree, pageSize);
      await saveTree(tx, head.tree);
      return n;
    });
    if (step === 0) return added;
    added += step;
  }
}
