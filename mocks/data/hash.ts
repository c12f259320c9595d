// Seeded hashing and invertible scrambles: the whole synthetic dataset is a pure function of the
// identifiers asked for, so every "random" choice is a hash of (topic, identifier) and every link
// between records is a bijection that can be run backwards.

/** 32-bit hash of the parts (FNV-1a over the joined text, then murmur3's finaliser for the low bits). */
export function hash(...parts: readonly (string | number)[]): number {
  const text = parts.join('|');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A hash reduced to [0, n). */
export const hashInt = (n: number, ...parts: readonly (string | number)[]): number => hash(...parts) % n;

/** True for roughly `share` (0..1) of the inputs. */
export const hashChance = (share: number, ...parts: readonly (string | number)[]): boolean =>
  hash(...parts) / 0x1_0000_0000 < share;

/** A small deterministic generator (mulberry32) for the free-form fields of one record. */
export class Rng {
  #state: number;
  constructor(...seed: readonly (string | number)[]) {
    this.#state = hash(...seed);
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }
  chance(share: number): boolean {
    return this.next() < share;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** Picks from a table of [value, weight] pairs, with a precomputed cumulative table. */
export class Weighted<T> {
  readonly #values: T[] = [];
  readonly #cumulative: number[] = [];
  readonly #total: number;
  constructor(table: readonly (readonly [T, number])[]) {
    let total = 0;
    for (const [value, weight] of table) {
      total += weight;
      this.#values.push(value);
      this.#cumulative.push(total);
    }
    this.#total = total;
  }
  /** `u` uniform in [0, 1). */
  at(u: number): T {
    const target = u * this.#total;
    let lo = 0;
    let hi = this.#cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.#values[lo]!;
  }
  pick(rng: Rng): T {
    return this.at(rng.next());
  }
}

/** x ↦ (a·x + b) mod n, a bijection of [0, n) when gcd(a, n) = 1, with its inverse. */
export interface Affine {
  readonly size: number;
  forward(x: number): number;
  inverse(y: number): number;
}

export function affine(size: number, a: number, b: number): Affine {
  const n = BigInt(size);
  const A = BigInt(a);
  const B = BigInt(b) % n;
  const inv = modInverse(A, n);
  // Products stay exact in doubles below 2^53; past that (maHo's 10^12) BigInt takes over.
  if (size * size < 2 ** 53) {
    const ai = Number(inv);
    const bi = Number(B);
    return {
      size,
      forward: (x) => (a * x + bi) % size,
      inverse: (y) => (ai * ((y - bi + size) % size)) % size,
    };
  }
  return {
    size,
    forward: (x) => Number((A * BigInt(x) + B) % n),
    inverse: (y) => Number((inv * ((BigInt(y) - B + n) % n)) % n),
  };
}

function modInverse(a: bigint, n: bigint): bigint {
  let [oldR, r] = [a % n, n];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new Error(`${a} has no inverse modulo ${n}`);
  return ((oldS % n) + n) % n;
}

/** Hex SHA-256-looking digest for synthetic document hashes (not cryptographic: 4 hashes chained). */
export function pseudoDigest(...parts: readonly (string | number)[]): string {
  let out = '';
  for (let i = 0; i < 8; i++)
    out += hash(i, ...parts)
      .toString(16)
      .padStart(8, '0');
  return out;
}
