// The Merkle tree of RFC 9162 §2.1 over the audit records: leaf hash SHA-256(0x00 ‖ leaf), node hash
// SHA-256(0x01 ‖ left ‖ right), the left subtree of n leaves holding the largest power of two below n.
// The store keeps the hash of every complete, aligned subtree ("node" (level, index) covers leaves
// index·2^level … (index+1)·2^level − 1); any other subtree a proof needs is folded from at most
// log n of them, so a proof costs one read of O(log² n) small rows, never a scan.
import { createHash } from 'node:crypto';

export type Hash = Buffer;

export const leafHash = (leaf: Uint8Array): Hash =>
  createHash('sha256').update(Buffer.of(0)).update(leaf).digest();

export const nodeHash = (left: Uint8Array, right: Uint8Array): Hash =>
  createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();

/** SHA-256 of nothing: the root of the empty tree. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** A stored subtree: leaves index·2^level to (index+1)·2^level − 1. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** Largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The aligned complete subtrees that make up leaves [start, end), largest first. Only called for the
 * ranges RFC 9162's recursion produces, whose start is a multiple of a power of two ≥ their length.
 */
export function rangeNodes(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let at = start;
  while (at < end) {
    let level = 0;
    while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= end) level += 1;
    nodes.push({ level, index: at / 2 ** level });
    at += 2 ** level;
  }
  return nodes;
}

/** The hash of leaves [start, end) from their aligned subtrees (folded right to left, as RFC 9162 shapes it). */
export function foldRange(nodes: readonly NodeId[], lookup: (node: NodeId) => Hash): Hash {
  let hash = lookup(nodes.at(-1)!);
  for (let i = nodes.length - 2; i >= 0; i--) hash = nodeHash(lookup(nodes[i]!), hash);
  return hash;
}

/** A subtree hash a proof needs, named by its leaf range. */
export interface Range {
  readonly start: number;
  readonly end: number;
}

/** RFC 9162 §2.1.3.1 PATH(m, D[start:end]): the ranges whose hashes prove leaf m, leaf side first. */
export function inclusionRanges(index: number, size: number): Range[] {
  const path: Range[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = split(end - start);
    if (index < start + k) {
      path.push({ start: start + k, end });
      end = start + k;
    } else {
      path.push({ start, end: start + k });
      start += k;
    }
  }
  return path.reverse();
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[0:n], true): the ranges proving tree `from` is a prefix of tree `to`. */
export function consistencyRanges(from: number, to: number): Range[] {
  const proof: Range[] = [];
  let start = 0;
  let end = to;
  let m = from;
  let complete = true;
  for (;;) {
    const n = end - start;
    if (m === n) {
      if (!complete) proof.push({ start, end });
      break;
    }
    const k = split(n);
    if (m <= k) {
      proof.push({ start: start + k, end });
      end = start + k;
    } else {
      proof.push({ start, end: start + k });
      start += k;
      m -= k;
      complete = false;
    }
  }
  return proof.reverse();
}

/** Root hash from the stored subtrees. */
export const rootRanges = (size: number): Range[] => (size === 0 ? [] : [{ start: 0, end: size }]);

/**
 * RFC 9162 §2.1.3.2: recomputes the root from a leaf hash and its inclusion proof. Returns undefined
 * when the proof has the wrong length for (index, size).
 */
export function rootFromInclusion(
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Uint8Array[],
): Hash | undefined {
  if (!(index >= 0 && index < size)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** RFC 9162 §2.1.4.2: whether `proof` shows the tree (from, oldRoot) is a prefix of (to, newRoot). */
export function verifyConsistency(
  from: number,
  to: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (from < 0 || to < from) return false;
  if (from === to) return proof.length === 0 && Buffer.from(oldRoot).equals(newRoot);
  if (from === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = [...proof];
  // When `from` is a power of two, the old root is itself the first node of the path.
  if ((from & (from - 1)) === 0) path.unshift(oldRoot);
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Hash = Buffer.from(path[0]!);
  let sr: Hash = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

/**
 * The right edge of a growing tree: the roots of its complete aligned subtrees, largest first (the
 * binary digits of its size). Appending a leaf merges equal neighbours; each merge completes a node
 * that the store writes. Also what verification keeps in memory while walking the whole log.
 */
export class Frontier {
  size: number;
  readonly hashes: Hash[];

  constructor(size = 0, hashes: readonly Hash[] = []) {
    this.size = size;
    this.hashes = [...hashes];
  }

  /** Adds a leaf hash; returns the nodes it completed, the leaf itself first. */
  push(leaf: Hash): { node: NodeId; hash: Hash }[] {
    const completed = [{ node: { level: 0, index: this.size }, hash: leaf }];
    let hash = leaf;
    let level = 0;
    let index = this.size;
    while (index % 2 === 1) {
      hash = nodeHash(this.hashes.pop()!, hash);
      level += 1;
      index = Math.floor(index / 2);
      completed.push({ node: { level, index }, hash });
    }
    this.hashes.push(hash);
    this.size += 1;
    return completed;
  }

  root(): Hash {
    if (this.hashes.length === 0) return EMPTY_ROOT;
    let hash = this.hashes.at(-1)!;
    for (let i = this.hashes.length - 2; i >= 0; i--) hash = nodeHash(this.hashes[i]!, hash);
    return hash;
  }
}
