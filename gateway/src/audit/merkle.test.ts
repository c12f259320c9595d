// The tree against RFC 9162's reference vectors (the Certificate Transparency test data), and a property
// test: for random sizes, every inclusion proof verifies with an independent verifier (Sigstore's) and
// every consistency proof with the RFC's algorithm against roots from the naive recursive definition;
// any change to a leaf, a hash or a size makes them fail.
import { verifyMerkleInclusion } from '@sigstore/verify/dist/tlog/merkle.js';
import { describe, expect, it } from 'vitest';
import {
  consistencyRanges,
  EMPTY_ROOT,
  Frontier,
  foldRange,
  type Hash,
  inclusionRanges,
  leafHash,
  nodeHash,
  rangeNodes,
  rootFromInclusion,
  verifyConsistency,
} from './merkle.ts';

const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');
const leaves = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((h) => Buffer.from(h, 'hex'));
const roots = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const inclusionVectors: [number, number, string[]][] = [
  [0, 1, []],
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
const consistencyVectors: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];

/** RFC 9162's MTH, written as the recursive definition: the reference the stored tree must match. */
function mth(hashes: readonly Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  if (hashes.length === 1) return hashes[0]!;
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return nodeHash(mth(hashes.slice(0, k)), mth(hashes.slice(k)));
}

/** A tree as the store keeps it: every node a Frontier completes, by "level/index". */
function storedTree(leafHashes: readonly Hash[]) {
  const nodes = new Map<string, Hash>();
  const frontier = new Frontier();
  for (const leaf of leafHashes) {
    for (const { node, hash } of frontier.push(leaf)) nodes.set(`${node.level}/${node.index}`, hash);
  }
  const rangeHash = (r: { start: number; end: number }) =>
    foldRange(rangeNodes(r.start, r.end), (n) => nodes.get(`${n.level}/${n.index}`)!);
  return {
    frontier,
    inclusion: (index: number, size: number) => inclusionRanges(index, size).map(rangeHash),
    consistency: (from: number, to: number) => consistencyRanges(from, to).map(rangeHash),
    root: (size: number) => (size === 0 ? EMPTY_ROOT : rangeHash({ start: 0, end: size })),
  };
}

/** Sigstore's RFC 9162 inclusion check: throws unless the proof holds. */
function sigstoreAccepts(leaf: Buffer, index: number, size: number, proof: Hash[], root: Hash): boolean {
  try {
    verifyMerkleInclusion(
      { canonicalizedBody: leaf, inclusionProof: { logIndex: String(index), hashes: proof } } as never,
      { logSize: BigInt(size), logHash: root } as never,
    );
    return true;
  } catch {
    return false;
  }
}

describe('RFC 9162 reference vectors', () => {
  const tree = storedTree(leaves.map(leafHash));

  it('computes the root of every prefix of the reference leaves', () => {
    expect(hex(EMPTY_ROOT)).toBe(roots[0]);
    for (let n = 1; n <= 8; n++) expect(hex(tree.root(n))).toBe(roots[n]);
    expect(hex(tree.frontier.root())).toBe(roots[8]);
  });

  it.each(inclusionVectors)(
    'serves and verifies the inclusion proof of leaf %i in %i',
    (index, size, proof) => {
      expect(tree.inclusion(index, size).map(hex)).toEqual(proof);
      const root = Buffer.from(roots[size]!, 'hex');
      const hashes = proof.map((h) => Buffer.from(h, 'hex'));
      expect(rootFromInclusion(index, size, leafHash(leaves[index]!), hashes)?.equals(root)).toBe(true);
      expect(sigstoreAccepts(leaves[index]!, index, size, hashes, root)).toBe(true);
    },
  );

  it.each(consistencyVectors)(
    'serves and verifies the consistency proof from %i to %i',
    (from, to, proof) => {
      expect(tree.consistency(from, to).map(hex)).toEqual(from === to ? [] : proof);
      const hashes = proof.map((h) => Buffer.from(h, 'hex'));
      const ok = verifyConsistency(
        from,
        to,
        Buffer.from(roots[from]!, 'hex'),
        Buffer.from(roots[to]!, 'hex'),
        hashes,
      );
      expect(ok).toBe(true);
    },
  );
});

// A deterministic generator, so a failure names a case that can be replayed.
function random(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const flip = (h: Uint8Array) => {
  const copy = Buffer.from(h);
  copy[0]! ^= 1;
  return copy;
};

describe('property: proofs from the stored tree', () => {
  const rand = random(9162);
  const sizes = [
    1,
    2,
    3,
    7,
    8,
    9,
    31,
    32,
    33,
    100,
    255,
    256,
    257,
    1000,
    ...Array.from({ length: 12 }, () => 1 + rand(3000)),
  ];
  const maxSize = Math.max(...sizes) + 1;
  const leafData = Array.from({ length: maxSize }, (_, i) => Buffer.from(`leaf ${i} ${rand(1e9)}`));
  const leafHashes = leafData.map(leafHash);
  const tree = storedTree(leafHashes);

  it.each(sizes)(
    'in a tree of %i leaves, every sampled inclusion proof verifies and any change breaks it',
    (size) => {
      const root = mth(leafHashes.slice(0, size));
      expect(tree.root(size).equals(root)).toBe(true);
      for (const index of new Set([0, size - 1, rand(size), rand(size), rand(size)])) {
        const proof = tree.inclusion(index, size);
        expect(sigstoreAccepts(leafData[index]!, index, size, proof, root)).toBe(true);
        expect(rootFromInclusion(index, size, leafHashes[index]!, proof)?.equals(root)).toBe(true);
        const other = (index + 1) % size;
        if (other !== index) expect(sigstoreAccepts(leafData[other]!, index, size, proof, root)).toBe(false);
        expect(
          sigstoreAccepts(Buffer.concat([leafData[index]!, Buffer.of(0)]), index, size, proof, root),
        ).toBe(false);
        expect(sigstoreAccepts(leafData[index]!, index, size, proof, flip(root))).toBe(false);
        if (proof.length > 0) {
          const i = rand(proof.length);
          const bent = proof.map((h, j) => (j === i ? flip(h) : h));
          expect(sigstoreAccepts(leafData[index]!, index, size, bent, root)).toBe(false);
          expect(rootFromInclusion(index, size, leafHashes[index]!, bent)?.equals(root) ?? false).toBe(false);
        }
        // A proof is bound to its size through the signed root of that size.
        const biggerRoot = mth(leafHashes.slice(0, size + 1));
        expect(sigstoreAccepts(leafData[index]!, index, size + 1, proof, biggerRoot)).toBe(false);
      }
    },
  );

  it.each(sizes)(
    'every sampled consistency proof up to %i leaves verifies and any change breaks it',
    (to) => {
      const newRoot = mth(leafHashes.slice(0, to));
      for (const from of new Set([1, to, rand(to) + 1, rand(to) + 1])) {
        const oldRoot = mth(leafHashes.slice(0, from));
        const proof = tree.consistency(from, to);
        expect(verifyConsistency(from, to, oldRoot, newRoot, proof)).toBe(true);
        expect(verifyConsistency(from, to, flip(oldRoot), newRoot, proof)).toBe(false);
        expect(verifyConsistency(from, to, oldRoot, flip(newRoot), proof)).toBe(false);
        if (proof.length > 0) {
          const i = rand(proof.length);
          expect(
            verifyConsistency(
              from,
              to,
              oldRoot,
              newRoot,
              proof.map((h, j) => (j === i ? flip(h) : h)),
            ),
          ).toBe(false);
        }
        if (from < to) {
          const nextRoot = mth(leafHashes.slice(0, from + 1));
          expect(verifyConsistency(from + 1, to, nextRoot, newRoot, proof)).toBe(false);
          const biggerRoot = mth(leafHashes.slice(0, to + 1));
          expect(verifyConsistency(from, to + 1, oldRoot, biggerRoot, proof)).toBe(false);
        }
      }
    },
  );
});
