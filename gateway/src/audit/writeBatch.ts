// Writing a group-commit batch. The head row orders writers across every gateway process sharing the
// database: a batch is chained on the head (records with the next consecutive seqs, their Merkle tree
// nodes), moves it, and commits, either under the head row's lock (SELECT … FOR UPDATE: a second
// writer waits and then sees the new head) or, for a writer that is alone, as one statement that
// moves the head only from where the batch was chained (AuditWriter). A checkpoint is signed in the
// same statement once enough records have passed.
import { type AuditContent, chainRecords } from './chain.ts';
import { writeCheckpoint } from './checkpoint.ts';
import { newLeafSeed } from './leaf.ts';
import { Frontier } from './merkle.ts';
import { catchUpTree, frontierOf, growTree, keptNodes } from './merkleLog.ts';
import { ensureMonth, type PartitionCalendar } from './partitions.ts';
import { recordRowsJson, subjectRows } from './recordRows.ts';
import { checkpointBody, type NoteSigner, signNote } from './signedNote.ts';
import type { SqlDatabase, SqlExecutor } from './sqlDatabase.ts';
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

// A batch's one statement. The head moves only from the head the batch was chained on (`expected`), and
// every row is inserted through a join with that move: if another writer moved the head first, the
// statement changes nothing and reports 0. Its text is the same for every batch (the rows are array or
// JSON parameters), so each connection parses and plans it once: planning an insert into the
// partitioned tables cost PostgreSQL more than running it.
const APPEND_BATCH = `WITH head AS (
    UPDATE audit_head SET seq = $1, hash = $2, tree_size = $3, frontier = $4,
      checkpoint_seq = CASE WHEN $5::text IS NULL THEN checkpoint_seq ELSE GREATEST(checkpoint_seq, $3) END
    WHERE seq = $6 AND tree_size = $7
    RETURNING 1),
  records AS (
    INSERT INTO audit_records SELECT r.* FROM head, jsonb_populate_recordset(NULL::audit_records, $8::jsonb) AS r),
  subjects AS (
    INSERT INTO audit_subjects (subject, at, seq)
    SELECT s.* FROM head, unnest($9::text[], $10::timestamptz[], $11::bigint[]) AS s),
  nodes AS (
    INSERT INTO audit_tree (level, idx, hash)
    SELECT n.l, n.i, decode(n.h, 'hex') FROM head, unnest($12::int[], $13::bigint[], $14::text[]) AS n(l, i, h)),
  checkpoint AS (
    INSERT INTO audit_checkpoints (seq, at, kid, note)
    SELECT $3, $15::timestamptz, $16::text, $5::text FROM head WHERE $5::text IS NOT NULL)
SELECT count(*)::int AS moved FROM head`;

interface Written {
  readonly records: StoredAuditRecord[];
  /** The head after the batch, as this process left it. */
  readonly head: ChainHead;
}

/**
 * Chains `contents` on `expected` and writes them, their subject rows, the tree's new nodes, the moved
 * head and (every `checkpointEvery` records) a signed checkpoint in one statement. Undefined when the
 * head was no longer `expected`: nothing was written.
 */
async function writeOn(
  executor: SqlExecutor,
  expected: ChainHead,
  contents: readonly AuditContent[],
  options: WriteBatchOptions,
): Promise<Written | undefined> {
  const tree = new Frontier(expected.tree.size, expected.tree.hashes);
  const records = chainRecords(expected, contents);
  const seeds = records.map(() => newLeafSeed());
  const completed = keptNodes(
    growTree(
      tree,
      records.map((record, i) => ({ seq: record.seq, content: record, seed: seeds[i]! })),
    ),
  );
  const last = records.at(-1)!;
  const checkpointDue =
    options.checkpointEvery > 0 && last.seq - expected.checkpointSeq >= options.checkpointEvery;
  const note = checkpointDue
    ? signNote(checkpointBody({ origin: options.origin, size: tree.size, root: tree.root() }), options.signer)
    : null;
  const subjects = subjectRows(records);
  const { rows } = await executor.query(
    APPEND_BATCH,
    [
      last.seq,
      last.hash,
      tree.size,
      tree.hashes.map((h) => h.toString('hex')),
      note,
      expected.seq,
      expected.tree.size,
      recordRowsJson(records, seeds),
      subjects.subjects,
      subjects.ats,
      subjects.seqs,
      completed.map((n) => n.node.level),
      completed.map((n) => n.node.index),
      completed.map((n) => n.hash.toString('hex')),
      note ? options.now() : null,
      options.signer.name,
    ],
    'lienthong_audit_append',
  );
  if (Number(rows[0]?.['moved']) !== 1) return undefined;
  return {
    records,
    head: { seq: last.seq, hash: last.hash, checkpointSeq: note ? tree.size : expected.checkpointSeq, tree },
  };
}

/**
 * One group-commit transaction under the head lock: whatever other writers did, the batch is chained on
 * the head as it is. Returns the head found at the lock too.
 */
async function writeLocked(
  db: SqlDatabase,
  contents: readonly AuditContent[],
  missing: readonly string[],
  options: WriteBatchOptions,
): Promise<Written & { found: ChainHead }> {
  return db.transaction(async (tx) => {
    const found = await lockHead(tx);
    for (const month of missing) await ensureMonth(tx, month);
    // Records from before the tree existed are normally covered at start (extendTree); this is the
    // fallback for a store opened on a database another, older process still writes.
    while (found.tree.size < found.seq) {
      // Records missing below the head: writing on would build the tree over a damaged log.
      if ((await catchUpTree(tx, found.tree, 10_000)) === 0)
        throw new Error('audit records are missing below the head');
    }
    const written = await writeOn(tx, found, contents, options);
    if (!written) throw new Error('the audit head moved under its lock');
    return { ...written, found };
  });
}

/** Writes one batch under the head lock (tools and tests; the gateway's store uses an AuditWriter). */
export async function writeBatch(
  db: SqlDatabase,
  contents: readonly AuditContent[],
  options: WriteBatchOptions,
): Promise<StoredAuditRecord[]> {
  return await new AuditWriter(db, options).write(contents);
}

/**
 * A gateway process's writer. Under the head lock a batch costs four round trips (BEGIN, lock, write,
 * COMMIT); a writer that finds the head where it left it is alone, and writes its next batches as one
 * statement chained on the head it knows (the statement is its own transaction). Should another
 * writer have moved the head meanwhile, that statement changes nothing and the batch goes under the
 * lock; the writer then stays with the lock until it once more finds the head as it left it. After any
 * error the head is unknown, and the next batch takes the lock. docs/audit.md argues the cases.
 */
export class AuditWriter {
  readonly #db: SqlDatabase;
  readonly #options: WriteBatchOptions;
  /** The head as this process's last committed batch left it; undefined while a batch is in flight or failed. */
  #last: ChainHead | undefined;
  /** The last locked batch found the head as this process had left it. */
  #alone = false;

  constructor(db: SqlDatabase, options: WriteBatchOptions) {
    this.#db = db;
    this.#options = options;
  }

  async write(contents: readonly AuditContent[]): Promise<StoredAuditRecord[]> {
    const ats = contents.map((c) => c.at);
    // In memory: only a month this process has not seen yet costs a statement, once.
    const { calendar } = this.#options;
    const missing = calendar?.missing(ats) ?? [];
    const last = this.#last;
    this.#last = undefined;
    let written =
      last && this.#alone && missing.length === 0
        ? await writeOn(this.#db, last, contents, this.#options)
        : undefined;
    if (!written) {
      this.#alone = false;
      const locked = await writeLocked(this.#db, contents, missing, this.#options);
      this.#alone =
        last !== undefined && locked.found.seq === last.seq && locked.found.tree.size === last.tree.size;
      written = locked;
    }
    this.#last = written.head;
    calendar?.committed(ats, missing);
    return written.records;
  }

  /** A checkpoint signed elsewhere in this process (the timer) at `size`: the next count starts there. */
  checkpointed(size: number): void {
    const last = this.#last;
    if (last && last.tree.size === size) this.#last = { ...last, checkpointSeq: size };
  }
}

const treeHead = (tree: Frontier) => ({ size: tree.size, root: tree.root() });

/**
 * Signs a checkpoint over the current tree head if records were added since the last; for the timer.
 * Returns the checkpoint's tree size, or undefined when none was due.
 */
export function checkpointIfBehind(
  db: SqlDatabase,
  options: Pick<WriteBatchOptions, 'signer' | 'origin' | 'now'>,
): Promise<number | undefined> {
  return db.transaction(async (tx) => {
    const head = await lockHead(tx);
    if (head.tree.size < head.seq || head.tree.size === head.checkpointSeq) return undefined;
    await writeCheckpoint(tx, options.signer, options.origin, treeHead(head.tree), options.now());
    return head.tree.size;
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
