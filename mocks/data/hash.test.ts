import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { affine, hash, Rng, Weighted } from './hash.ts';

describe('affine', () => {
  it('is a bijection with its inverse, in doubles and in BigInt', () => {
    for (const [size, a, b] of [
      [2_000_000, 1_234_567, 17],
      [10_000_000, 3_141_593, 2_718_281],
      [676_000_000, 387_420_489, 91_203_877],
      [1_000_000_000_000, 7_777_777_777, 31_415_926_535],
    ] as const) {
      const f = affine(size, a, b);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: size - 1 }), (x) => {
          const y = f.forward(x);
          expect(y).toBeGreaterThanOrEqual(0);
          expect(y).toBeLessThan(size);
          expect(f.inverse(y)).toBe(x);
        }),
        { numRuns: 2000 },
      );
    }
  });

  it('refuses a multiplier that shares a factor with the size', () => {
    expect(() => affine(1_000_000, 5, 0)).toThrow();
  });
});

describe('hash and Rng', () => {
  it('are deterministic and spread', () => {
    expect(hash('a', 1)).toBe(hash('a', 1));
    expect(hash('a', 1)).not.toBe(hash('a', 2));
    const rng = new Rng('seed');
    const again = new Rng('seed');
    const draws = Array.from({ length: 1000 }, () => rng.next());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => again.next()));
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it('Weighted picks by weight', () => {
    const table = new Weighted([
      ['a', 9],
      ['b', 1],
    ] as const);
    expect(table.at(0)).toBe('a');
    expect(table.at(0.89)).toBe('a');
    expect(table.at(0.91)).toBe('b');
  });
});
