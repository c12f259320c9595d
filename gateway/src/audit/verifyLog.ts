// Verification: checks every checkpoint signature (and those of the heads a witness accepted), then
// walks the whole chain in seq order inside one read-only snapshot, recomputing each hash and the
// Merkle tree, comparing them with the signed and witnessed checkpoints, the stored tree and the
// subject index, and stops at the first problem. Memory stays bounded whatever the log's size.
import type { JSONWebKeySet } from 'jose';
import { GENESIS_HASH } from './chain.ts';
import { localKeySet, verifyCheckpoint } from './checkpoint.ts';
import { type ChainRow, classifyBreak, type Problem, selfConsistent } from './classifyBreak.ts';
import { contentOfRow, RECORD_COLUMNS } from './recordRows.ts';
import { verifyNote } from './signedNote.ts';
import type { SqlDatabase, SqlExecutor } from './sqlDatabase.ts';
import type { VerifyReport } from './types.ts';
import { subjectIndexProblem } from './verifySubjects.ts';
import { TreeCheck } from './verifyTree.ts';

const PAGE = 1_000;
const LOOK_AHEAD = 64;
const SEEN_LIMIT = 10_000;

const earliest = (a: Problem | undefined, b: Problem | undefined) =>
  a && b ? (b.seq < a.seq ? b : a) : (a ?? b);

interface SignedHeads {
  /** Chain hashes signed by the JWS checkpoints of earlier versions, by seq. */
  readonly hashes: Map<number, string[]>;
  /** Tree roots (hex) signed by checkpoint notes, by tree size: the log's own and the witnesses'. */
  readonly roots: Map<number, { root: string; witnessed: boolean }[]>;
  readonly checked: number;
  readonly maxSeq: number;
  /** The largest tree size a witness vouches for. */
  readonly witnessedSize: number;
  readonly bad?: Problem;
}

export interface VerifyOptions {
  /** Checkpoint notes a witness accepted (its own storage, outside this database). */
  readonly witnessed?: readonly string[];
}

function checkWitnessed(
  witnessed: readonly string[],
  jwks: JSONWebKeySet,
  stored: ReadonlySet<string>,
  roots: SignedHeads['roots'],
): { size: number; bad?: Problem } {
  let size = 0;
  let bad: Problem | undefined;
  for (const note of witnessed) {
    const result = verifyNote(note, jwks.keys);
    if ('reason' in result) {
      bad ??= { seq: 0, kind: 'bad-checkpoint', detail: `a witnessed checkpoint: ${result.reason}` };
      continue;
    }
    const { size: n, root } = result.checkpoint;
    roots.set(n, [...(roots.get(n) ?? []), { root: root.toString('hex'), witnessed: true }]);
    size = Math.max(size, n);
    // A witnessed head is one the log published: its row may not disappear.
    if (!stored.has(result.body)) {
      bad ??= {
        seq: n,
        kind: 'bad-checkpoint',
        detail: `the checkpoint of tree size ${n} (record ${n}) that a witness holds is missing from the log`,
      };
    }
  }
  return { size, ...(bad ? { bad } : {}) };
}

async function checkCheckpoints(
  tx: SqlExecutor,
  jwks: JSONWebKeySet,
  options: VerifyOptions,
): Promise<SignedHeads> {
  const keys = localKeySet(jwks);
  const { rows } = await tx.query('SELECT seq, jws, note FROM audit_checkpoints ORDER BY seq, id');
  const hashes = new Map<number, string[]>();
  const roots: SignedHeads['roots'] = new Map();
  const bodies = new Set<string>();
  let bad: Problem | undefined;
  let maxSeq = 0;
  for (const row of rows) {
    if (row['note'] !== null && row['note'] !== undefined) {
      const result = verifyNote(String(row['note']), jwks.keys);
      if ('reason' in result) {
        bad ??= {
          seq: Number(row['seq']),
          kind: 'bad-checkpoint',
          detail: `checkpoint at record ${row['seq']}: ${result.reason}`,
        };
        continue;
      }
      const { size, root } = result.checkpoint;
      bodies.add(result.body);
      roots.set(size, [...(roots.get(size) ?? []), { root: root.toString('hex'), witnessed: false }]);
      maxSeq = Math.max(maxSeq, size);
      continue;
    }
    const result = await verifyCheckpoint(String(row['jws']), keys);
    if ('reason' in result) {
      bad ??= {
        seq: Number(row['seq']),
        kind: 'bad-checkpoint',
        detail: `checkpoint at record ${row['seq']}: ${result.reason}`,
      };
      continue;
    }
    const { seq, hash } = result.payload;
    hashes.set(seq, [...(hashes.get(seq) ?? []), hash]);
    maxSeq = Math.max(maxSeq, seq);
  }
  const witness = checkWitnessed(options.witnessed ?? [], jwks, bodies, roots);
  bad = earliest(bad, witness.bad);
  return {
    hashes,
    roots,
    checked: rows.length,
    maxSeq,
    witnessedSize: witness.size,
    ...(bad ? { bad } : {}),
  };
}

interface WalkRow extends ChainRow {
  readonly seed: Buffer | undefined;
}

async function fetchRows(tx: SqlExecutor, afterSeq: number): Promise<WalkRow[]> {
  const { rows } = await tx.query(
    `SELECT ${RECORD_COLUMNS}, leaf_seed FROM audit_records WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [afterSeq, PAGE],
  );
  return rows.map((row) => ({
    seq: Number(row['seq']),
    prevHash: String(row['prev_hash']),
    hash: String(row['hash']),
    content: contentOfRow(row),
    seed: row['leaf_seed'] ? Buffer.from(row['leaf_seed'] as Uint8Array) : undefined,
  }));
}

/** Records first–last were exported and their month detached (audit_archives); overlapping ones merged. */
interface ArchivedSpan {
  readonly first: number;
  readonly last: number;
  /** The chain hash of record `last` and the tree root over records 1–last, hex. */
  readonly lastHash: string;
  readonly treeRoot: string;
}

async function archivedSpans(tx: SqlExecutor): Promise<ArchivedSpan[]> {
  // A store not yet migrated to monthly partitions has no archives.
  const table = await tx.query("SELECT to_regclass('audit_archives') IS NOT NULL AS present");
  if (!table.rows[0]?.['present']) return [];
  const { rows } = await tx.query(
    'SELECT first_seq, last_seq, last_hash, tree_root FROM audit_archives ORDER BY first_seq, last_seq',
  );
  const spans: ArchivedSpan[] = [];
  for (const row of rows) {
    const span = {
      first: Number(row['first_seq']),
      last: Number(row['last_seq']),
      lastHash: String(row['last_hash']),
      treeRoot: String(row['tree_root']),
    };
    const previous = spans.at(-1);
    // Months interleave at their boundary when several writers run: such archives form one span.
    if (previous && span.first <= previous.last + 1) {
      if (span.last > previous.last) spans[spans.length - 1] = { ...span, first: previous.first };
    } else {
      spans.push(span);
    }
  }
  return spans;
}

async function walkChain(tx: SqlExecutor, signed: SignedHeads): Promise<VerifyReport> {
  const head = (await tx.query('SELECT seq, hash FROM audit_head')).rows[0];
  const headSeq = Number(head?.['seq'] ?? 0);
  const seen = new Map<string, number>();
  const tree = await TreeCheck.open(tx, signed.roots);
  let buffer: WalkRow[] = [];
  let pos = 0;
  let fetchedTo = 0;
  let exhausted = false;
  let records = 0;
  let expectedSeq = 1;
  let expectedPrev = GENESIS_HASH;
  let lastGoodCheckpoint = 0;
  let heldProblem: Problem | undefined;
  const spans = await archivedSpans(tx);
  let nextSpan = 0;
  let passed: ArchivedSpan | undefined;
  // On a tie the chain's own finding wins: it says more about what happened than the index does.
  const report = (problem: Problem | undefined): VerifyReport => {
    const first = earliest(earliest(problem, heldProblem), signed.bad);
    return { ok: !first, records, checkpoints: signed.checked, ...(first ? { firstProblem: first } : {}) };
  };

  for (;;) {
    if (!exhausted && buffer.length - pos <= LOOK_AHEAD) {
      const page = await fetchRows(tx, fetchedTo);
      if (page.length < PAGE) exhausted = true;
      if (page.length > 0) {
        // Held until the walk reaches it: a break in the chain before it is the first problem.
        heldProblem ??= await subjectIndexProblem(tx, page);
        fetchedTo = page.at(-1)!.seq;
        buffer = buffer.slice(pos).concat(page);
        pos = 0;
      }
    }
    // An archived range the walk has reached: its records are in the export file, the chain resumes
    // from its last hash and the tree from the nodes kept over it.
    while (nextSpan < spans.length && spans[nextSpan]!.first <= expectedSeq) {
      const span = spans[nextSpan]!;
      nextSpan += 1;
      if (span.last < expectedSeq) continue;
      const problem = await tree.skipArchived(span.last, span.treeRoot);
      if (problem) return report(problem);
      passed = span;
      expectedSeq = span.last + 1;
      expectedPrev = span.lastHash;
    }
    const row = buffer[pos];
    if (!row) break;
    pos += 1;
    records += 1;
    // A record of a neighbouring month inside an archived range stays: it must still match its hash.
    if (passed && row.seq >= passed.first && row.seq <= passed.last) {
      if (!selfConsistent(row)) {
        return report({
          seq: row.seq,
          kind: 'edited',
          detail: `record ${row.seq}'s content does not match its hash`,
        });
      }
      continue;
    }
    // The common case costs one hash; only a break pays for the look-ahead and classification.
    const intact = row.seq === expectedSeq && row.prevHash === expectedPrev && selfConsistent(row);
    if (!intact) {
      const ahead = buffer.slice(pos, pos + LOOK_AHEAD);
      const problem = classifyBreak(row, { expectedSeq, expectedPrev, headSeq, ahead, seen });
      if (problem) return report(problem);
    }
    const signedHashes = signed.hashes.get(row.seq);
    if (signedHashes?.some((h) => h !== row.hash)) {
      return report({
        seq: lastGoodCheckpoint + 1,
        kind: 'edited',
        detail: `records ${lastGoodCheckpoint + 1}–${row.seq} were rewritten: record ${row.seq} does not match its signed checkpoint`,
      });
    }
    if (signedHashes) lastGoodCheckpoint = row.seq;
    // Like the index, held one record: a forged record shows in the chain at the next one.
    heldProblem = earliest(heldProblem, await tree.add(row.seq, row.content, row.seed));
    // Reported once the record after it is accepted, since a chain break there may explain it.
    if (heldProblem && heldProblem.seq < row.seq) return report(undefined);
    seen.set(row.hash, row.seq);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.keys().next().value!);
    expectedSeq = row.seq + 1;
    expectedPrev = row.hash;
  }
  const lastSeq = expectedSeq - 1;
  if (heldProblem) return report(undefined);
  const nodeProblem = await tree.flush();
  if (nodeProblem) return report(nodeProblem);

  if (signed.witnessedSize > lastSeq) {
    return report({
      seq: lastSeq + 1,
      kind: 'deleted',
      detail: `a witness accepted a checkpoint of ${signed.witnessedSize} records, the log ends at ${lastSeq}`,
    });
  }
  if (signed.maxSeq > lastSeq) {
    return report({
      seq: lastSeq + 1,
      kind: 'deleted',
      detail: `a signed checkpoint covers records up to ${signed.maxSeq}, the log ends at ${lastSeq}`,
    });
  }
  if (headSeq > lastSeq) {
    return report({
      seq: lastSeq + 1,
      kind: 'deleted',
      detail: `the chain head is record ${headSeq}, the log ends at ${lastSeq}`,
    });
  }
  if (lastSeq > 0 && String(head?.['hash']) !== expectedPrev) {
    return report({
      seq: lastSeq,
      kind: 'edited',
      detail: `record ${lastSeq} does not match the chain head`,
    });
  }
  return report(undefined);
}

export async function verifyLog(
  db: SqlDatabase,
  jwks: JSONWebKeySet,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  return db.transaction(async (tx) => {
    // One snapshot: writers appending meanwhile neither move the head nor add rows under the walk.
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return walkChain(tx, await checkCheckpoints(tx, jwks, options));
  });
}
