// The Merkle tree's part of verification: while the chain is walked, every record's leaf is recomputed
// from its content and seed and folded into a frontier (O(log n) memory), so each signed or witnessed
// tree root is compared with the records themselves, and the stored tree nodes that proofs are served
// from are compared with the recomputed ones.

import type { AuditContent } from './chain.ts';
import type { Problem } from './classifyBreak.ts';
import { leafBytes } from './leaf.ts';
import { Frontier, leafHash, rangeNodes } from './merkle.ts';
import { type CompletedNode, frontierOf, LOWEST_STORED_LEVEL, storedNodes } from './merkleLog.ts';
import type { SqlExecutor } from './sqlDatabase.ts';

const NODE_BATCH = 4_096;

export interface SignedRoot {
  readonly root: string;
  readonly witnessed: boolean;
}

export class TreeCheck {
  readonly #tx: SqlExecutor;
  readonly #roots: ReadonlyMap<number, readonly SignedRoot[]>;
  readonly #storedSize: number;
  readonly #storedRoot: string;
  #frontier = new Frontier();
  #pending: CompletedNode[] = [];
  #lastGood = 0;
  #stopped = false;

  private constructor(
    tx: SqlExecutor,
    roots: ReadonlyMap<number, readonly SignedRoot[]>,
    stored: { size: number; root: string },
  ) {
    this.#tx = tx;
    this.#roots = roots;
    this.#storedSize = stored.size;
    this.#storedRoot = stored.root;
  }

  static async open(tx: SqlExecutor, roots: ReadonlyMap<number, readonly SignedRoot[]>): Promise<TreeCheck> {
    const { rows } = await tx.query('SELECT tree_size, frontier FROM audit_head');
    const size = Number(rows[0]?.['tree_size'] ?? 0);
    const stored = frontierOf({ size, frontier: (rows[0]?.['frontier'] as string[]) ?? [] });
    return new TreeCheck(tx, roots, { size, root: stored.root().toString('hex') });
  }

  /** The number of leaves checked so far. */
  get size(): number {
    return this.#frontier.size;
  }

  async add(seq: number, content: AuditContent, seed: Buffer | undefined): Promise<Problem | undefined> {
    // Beyond a break the chain has already named, or past the records the tree covers yet (an
    // upgraded log before the store extended its tree), there is nothing more to compare.
    if (this.#stopped || seq !== this.#frontier.size + 1) {
      this.#stopped = true;
      return undefined;
    }
    if (!seed) {
      if (seq <= this.#storedSize) return { seq, kind: 'edited', detail: `record ${seq} lost its leaf seed` };
      this.#stopped = true;
      return undefined;
    }
    this.#pending.push(...this.#frontier.push(leafHash(leafBytes(seq, content, seed))));
    const problem = this.#compareRoots();
    if (problem) return problem;
    return this.#pending.length >= NODE_BATCH ? this.flush() : undefined;
  }

  /**
   * Passes over an archived range, records size+1 … `to`: the frontier continues from the stored tree
   * nodes over records 1–`to` (kept when the month was archived), which must give the archive's root.
   */
  async skipArchived(to: number, root: string): Promise<Problem | undefined> {
    if (this.#stopped) return undefined;
    const from = this.#frontier.size + 1;
    const flushed = await this.flush();
    if (flushed) return flushed;
    const nodes = rangeNodes(0, to);
    const found = await storedNodes(this.#tx, nodes);
    const hashes = nodes.map((n) => found.get(`${n.level}/${n.index}`));
    if (hashes.some((h) => h === undefined)) {
      return {
        seq: from,
        kind: 'deleted',
        detail: `records ${from}–${to} are archived but the tree nodes over them are missing, so later proofs fail`,
      };
    }
    const frontier = new Frontier(to, hashes as Buffer[]);
    if (frontier.root().toString('hex') !== root) {
      return {
        seq: from,
        kind: 'edited',
        detail: `the archive of records ${from}–${to} does not match the stored tree over them`,
      };
    }
    this.#frontier = frontier;
    return this.#compareRoots();
  }

  /** Compares the frontier's root with the signed and stored heads of its size. */
  #compareRoots(): Problem | undefined {
    const size = this.#frontier.size;
    const signed = this.#roots.get(size);
    if (signed || size === this.#storedSize) {
      const root = this.#frontier.root().toString('hex');
      const wrong = signed?.find((s) => s.root !== root);
      if (wrong) {
        const by = wrong.witnessed ? 'a checkpoint a witness accepted' : 'its signed checkpoint';
        return {
          seq: this.#lastGood + 1,
          kind: 'edited',
          detail: `records ${this.#lastGood + 1}–${size} were rewritten: the tree of ${size} records does not match ${by}`,
        };
      }
      if (signed) this.#lastGood = size;
      if (size === this.#storedSize && root !== this.#storedRoot) {
        return { seq: size, kind: 'edited', detail: `the stored tree head does not match records 1–${size}` };
      }
    }
    return undefined;
  }

  /** Compares the recomputed nodes with the stored ones. */
  async flush(): Promise<Problem | undefined> {
    const nodes = this.#pending.filter(
      (n) =>
        n.node.level >= LOWEST_STORED_LEVEL && (n.node.index + 1) * 2 ** n.node.level <= this.#storedSize,
    );
    this.#pending = [];
    if (nodes.length === 0) return undefined;
    const { rows } = await this.#tx.query(
      `SELECT level, idx, encode(hash, 'hex') AS hash FROM audit_tree
       WHERE (level, idx) IN (SELECT * FROM unnest($1::smallint[], $2::bigint[]))`,
      [nodes.map((n) => n.node.level), nodes.map((n) => n.node.index)],
    );
    const stored = new Map(rows.map((r) => [`${r['level']}/${r['idx']}`, String(r['hash'])]));
    for (const { node, hash } of nodes) {
      if (stored.get(`${node.level}/${node.index}`) === hash.toString('hex')) continue;
      const first = node.index * 2 ** node.level + 1;
      const last = first + 2 ** node.level - 1;
      return {
        seq: first,
        kind: 'edited',
        detail: `the stored tree node over records ${first}–${last} does not match them, so proofs over it fail`,
      };
    }
    return undefined;
  }
}
