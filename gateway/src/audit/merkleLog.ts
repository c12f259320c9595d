// The Merkle tree's rows: extending it in the writer's transaction, and the proofs read from it.
import type { AuditContent } from './chain.ts';
import { leafBytes, newLeafSeed } from './leaf.ts';
import {
  consistencyRanges,
  EMPTY_ROOT,
  Frontier,
  foldRange,
  type Hash,
  inclusionRanges,
  leafHash,
  type NodeId,
  nodeHash,
  type Range,
  rangeNodes,
} from './merkle.ts';
import { contentOfRow, RECORD_COLUMNS } from './recordRows.ts';
import type { SqlExecutor } from './sqlDatabase.ts';

export interface TreeState {
  readonly size: number;
  /** Roots of the complete subtrees, largest first, hex. */
  readonly frontier: readonly string[];
}

export const frontierOf = (state: TreeState) =>
  new Frontier(
    state.size,
    state.frontier.map((h) => Buffer.from(h, 'hex')),
  );

export interface CompletedNode {
  readonly node: NodeId;
  readonly hash: Hash;
}

/** Adds the leaves of consecutive records to the frontier; returns the nodes to store. */
export function growTree(
  frontier: Frontier,
  leaves: readonly { seq: number; content: AuditContent; seed: Uint8Array }[],
): CompletedNode[] {
  const completed: CompletedNode[] = [];
  for (const leaf of leaves) {
    if (leaf.seq !== frontier.size + 1) throw new Error('the tree must grow by the next record');
    completed.push(...frontier.push(leafHash(leafBytes(leaf.seq, leaf.content, leaf.seed))));
  }
  return completed;
}

/**
 * The lowest level kept in audit_tree. Subtrees of fewer than 2^4 = 16 leaves are recomputed from their
 * records when a proof needs them (one read of at most 16 rows each, two per proof at most): the table
 * then holds one row per 8 records instead of two per record, which the write path pays for.
 */
export const LOWEST_STORED_LEVEL = 4;

/** The completed subtrees kept in audit_tree: those of 16 leaves or more. */
export const keptNodes = (completed: readonly CompletedNode[]): CompletedNode[] =>
  completed.filter((n) => n.node.level >= LOWEST_STORED_LEVEL);

export async function insertNodes(tx: SqlExecutor, completed: readonly CompletedNode[]): Promise<void> {
  const nodes = keptNodes(completed);
  if (nodes.length === 0) return;
  await tx.query(
    `INSERT INTO audit_tree (level, idx, hash)
     SELECT l, i, decode(h, 'hex') FROM unnest($1::int[], $2::bigint[], $3::text[]) AS t(l, i, h)`,
    [
      nodes.map((n) => n.node.level),
      nodes.map((n) => n.node.index),
      nodes.map((n) => n.hash.toString('hex')),
    ],
  );
}

/**
 * Extends the tree over up to `limit` records that it does not cover yet (records written before the
 * tree existed), giving each a seed. Runs under the head lock; returns how many it added.
 */
export async function catchUpTree(tx: SqlExecutor, frontier: Frontier, limit: number): Promise<number> {
  const { rows } = await tx.query(
    `SELECT ${RECORD_COLUMNS}, leaf_seed FROM audit_records WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [frontier.size, limit],
  );
  const leaves = rows.map((row) => ({
    seq: Number(row['seq']),
    content: contentOfRow(row),
    seed: row['leaf_seed'] ? Buffer.from(row['leaf_seed'] as Uint8Array) : newLeafSeed(),
    hadSeed: Boolean(row['leaf_seed']),
  }));
  const fresh = leaves.filter((l) => !l.hadSeed);
  if (fresh.length > 0) {
    await tx.query(
      `UPDATE audit_records r SET leaf_seed = decode(t.s, 'hex')
       FROM unnest($1::bigint[], $2::text[]) AS t(q, s) WHERE r.seq = t.q`,
      [fresh.map((l) => l.seq), fresh.map((l) => l.seed.toString('hex'))],
    );
  }
  await insertNodes(tx, growTree(frontier, leaves));
  return leaves.length;
}

/** Leaf hashes of records [start, end) (0-based leaf indexes), recomputed from their rows. */
async function leafHashes(tx: SqlExecutor, start: number, end: number): Promise<Map<number, Hash>> {
  const { rows } = await tx.query(
    `SELECT ${RECORD_COLUMNS}, leaf_seed FROM audit_records WHERE seq > $1 AND seq <= $2`,
    [start, end],
  );
  const hashes = new Map<number, Hash>();
  for (const row of rows) {
    if (!row['leaf_seed']) continue;
    const seq = Number(row['seq']);
    hashes.set(
      seq - 1,
      leafHash(leafBytes(seq, contentOfRow(row), Buffer.from(row['leaf_seed'] as Uint8Array))),
    );
  }
  return hashes;
}

/** The hash of a perfect subtree below the stored levels, from its leaves. */
function lowNodeHash(node: NodeId, leaves: ReadonlyMap<number, Hash>): Hash {
  let level: Hash[] = [];
  const first = node.index * 2 ** node.level;
  for (let i = first; i < first + 2 ** node.level; i++) {
    const hash = leaves.get(i);
    if (!hash) throw new Error(`the audit log lacks the leaf of record ${i + 1}`);
    level.push(hash);
  }
  while (level.length > 1) level = level.flatMap((h, i) => (i % 2 === 0 ? [nodeHash(h, level[i + 1]!)] : []));
  return level[0]!;
}

/** The stored hashes of the given nodes, by `level/index`. */
export async function storedNodes(tx: SqlExecutor, nodes: readonly NodeId[]): Promise<Map<string, Hash>> {
  const found = new Map<string, Hash>();
  if (nodes.length === 0) return found;
  const { rows } = await tx.query(
    `SELECT level, idx, encode(hash, 'hex') AS hash FROM audit_tree
     WHERE (level, idx) IN (SELECT * FROM unnest($1::smallint[], $2::bigint[]))`,
    [nodes.map((n) => n.level), nodes.map((n) => n.index)],
  );
  for (const r of rows) found.set(`${r['level']}/${r['idx']}`, Buffer.from(String(r['hash']), 'hex'));
  return found;
}

/**
 * The hashes of the given leaf ranges: stored subtrees in one read, the small ones from their records.
 * Small subtrees next to an archived month were stored when it was archived (archive.ts), since their
 * records are gone: the same read finds them.
 */
export async function rangeHashes(
  tx: SqlExecutor,
  ranges: readonly Range[],
  known: ReadonlyMap<number, Hash> = new Map(),
): Promise<Hash[]> {
  const decomposed = ranges.map((r) => rangeNodes(r.start, r.end));
  const wanted = new Map<string, NodeId>();
  for (const node of decomposed.flat()) wanted.set(`${node.level}/${node.index}`, node);
  if (wanted.size === 0) return [];
  const found = await storedNodes(tx, [...wanted.values()]);
  // The small subtrees of one proof lie in at most two blocks of 16 leaves: read each block once,
  // unless the caller already has the leaves (`known`, by leaf index).
  const blocks = new Set<number>();
  for (const [key, n] of wanted) {
    if (n.level >= LOWEST_STORED_LEVEL || found.has(key)) continue;
    const first = n.index * 2 ** n.level;
    let covered = true;
    for (let i = first; i < first + 2 ** n.level && covered; i++) covered = known.has(i);
    if (!covered) blocks.add(Math.floor(first / 2 ** LOWEST_STORED_LEVEL));
  }
  const leaves = new Map<number, Hash>(known);
  for (const block of blocks) {
    const size = 2 ** LOWEST_STORED_LEVEL;
    for (const [i, h] of await leafHashes(tx, block * size, (block + 1) * size)) leaves.set(i, h);
  }
  return decomposed.map((nodeList) =>
    foldRange(nodeList, (n) => {
      const hash = found.get(`${n.level}/${n.index}`);
      if (hash) return hash;
      if (n.level < LOWEST_STORED_LEVEL) return lowNodeHash(n, leaves);
      throw new Error(`the audit tree lacks node ${n.level}/${n.index}`);
    }),
  );
}

/**
 * Stores the small subtrees (below LOWEST_STORED_LEVEL, leaves included) of the given blocks of 16
 * leaves whose leaves are all present, before some of those records are archived. Returns how many
 * blocks were complete.
 */
export async function storeSmallSubtrees(tx: SqlExecutor, blocks: Iterable<number>): Promise<number> {
  const size = 2 ** LOWEST_STORED_LEVEL;
  const nodes: CompletedNode[] = [];
  let complete = 0;
  for (const block of new Set(blocks)) {
    const leaves = await leafHashes(tx, block * size, (block + 1) * size);
    let level = Array.from({ length: size }, (_, i) => leaves.get(block * size + i));
    if (level.some((h) => h === undefined)) continue;
    complete += 1;
    for (let l = 0; l < LOWEST_STORED_LEVEL; l++) {
      level.forEach((hash, i) => {
        nodes.push({ node: { level: l, index: block * (size >> l) + i }, hash: hash! });
      });
      level = level.flatMap((h, i) => (i % 2 === 0 ? [nodeHash(h!, level[i + 1]!)] : []));
    }
  }
  if (nodes.length > 0) {
    await tx.query(
      `INSERT INTO audit_tree (level, idx, hash)
       SELECT l, i, decode(h, 'hex') FROM unnest($1::int[], $2::bigint[], $3::text[]) AS t(l, i, h)
       ON CONFLICT (level, idx) DO NOTHING`,
      [
        nodes.map((n) => n.node.level),
        nodes.map((n) => n.node.index),
        nodes.map((n) => n.hash.toString('hex')),
      ],
    );
  }
  return complete;
}

export async function treeSize(tx: SqlExecutor): Promise<number> {
  const { rows } = await tx.query('SELECT tree_size FROM audit_head');
  return Number(rows[0]?.['tree_size'] ?? 0);
}

export async function rootAt(tx: SqlExecutor, size: number): Promise<Hash> {
  if (size === 0) return EMPTY_ROOT;
  const [root] = await rangeHashes(tx, [{ start: 0, end: size }]);
  return root!;
}

export const inclusionHashes = (tx: SqlExecutor, index: number, size: number) =>
  rangeHashes(tx, inclusionRanges(index, size));

export const consistencyHashes = (tx: SqlExecutor, from: number, to: number) =>
  from === 0 || from === to ? Promise.resolve([]) : rangeHashes(tx, consistencyRanges(from, to));

/** A record's leaf bytes as stored (its content and seed), or undefined when it is not there. */
export async function storedLeaf(tx: SqlExecutor, index: number): Promise<Buffer | undefined> {
  const { rows } = await tx.query(`SELECT ${RECORD_COLUMNS}, leaf_seed FROM audit_records WHERE seq = $1`, [
    index + 1,
  ]);
  const row = rows[0];
  if (!row?.['leaf_seed']) return undefined;
  return leafBytes(index + 1, contentOfRow(row), Buffer.from(row['leaf_seed'] as Uint8Array));
}
