// What the store serves from its Merkle tree: the latest checkpoint, inclusion and consistency proofs
// (RFC 9162), and a record's proof against the latest checkpoint that covers it.
import { AuditQueryError } from './errors.ts';
import { consistencyHashes, inclusionHashes, storedLeaf, treeSize } from './merkleLog.ts';
import type { SqlDatabase, SqlExecutor } from './sqlDatabase.ts';
import type { ConsistencyProof, InclusionProof, RecordInclusion } from './types.ts';

const b64 = (hashes: readonly Buffer[]) => hashes.map((h) => h.toString('base64'));

function wholeNumber(argument: string, value: unknown, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw new AuditQueryError(argument, `a whole number from ${min} to ${max}`);
  }
  return value as number;
}

/** Proofs read in one snapshot, so a batch committing meanwhile cannot change what they cover. */
function snapshot<T>(db: SqlDatabase, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return work(tx);
  });
}

async function inclusionProof(tx: SqlExecutor, index: number, size: number): Promise<InclusionProof> {
  const current = await treeSize(tx);
  wholeNumber('size', size, 1, current);
  wholeNumber('index', index, 0, size - 1);
  const leaf = await storedLeaf(tx, index);
  if (!leaf) throw new Error(`record ${index + 1} has no leaf`);
  return {
    leafIndex: index,
    treeSize: size,
    leaf: leaf.toString('base64'),
    hashes: b64(await inclusionHashes(tx, index, size)),
  };
}

async function latestNote(
  tx: SqlExecutor,
  minSize = 0,
): Promise<{ size: number; note: string; at: string } | null> {
  const { rows } = await tx.query(
    'SELECT seq, note, at FROM audit_checkpoints WHERE note IS NOT NULL AND seq >= $1 ORDER BY seq DESC, id DESC LIMIT 1',
    [minSize],
  );
  const row = rows[0];
  return row
    ? {
        size: Number(row['seq']),
        note: String(row['note']),
        at: new Date(row['at'] as Date | string).toISOString(),
      }
    : null;
}

export function proofReaders(db: SqlDatabase) {
  return {
    checkpoint: () => snapshot(db, async (tx) => (await latestNote(tx))?.note ?? null),
    inclusionProof: (index: number, size: number) => snapshot(db, (tx) => inclusionProof(tx, index, size)),
    consistencyProof: (from: number, to: number): Promise<ConsistencyProof> =>
      snapshot(db, async (tx) => {
        const current = await treeSize(tx);
        wholeNumber('to', to, 0, current);
        wholeNumber('from', from, 0, to);
        return { fromSize: from, treeSize: to, hashes: b64(await consistencyHashes(tx, from, to)) };
      }),
    recordInclusion: (seq: number): Promise<RecordInclusion | null> =>
      snapshot(db, async (tx) => {
        // The latest checkpoint is what witnesses have seen; a record newer than it has no proof yet.
        const checkpoint = await latestNote(tx, seq);
        if (!checkpoint) return null;
        return {
          ...(await inclusionProof(tx, seq - 1, checkpoint.size)),
          checkpoint: checkpoint.note,
          checkpointAt: checkpoint.at,
        };
      }),
  };
}
