import { describe, expect, it } from 'vitest';
import { createTtlPolicy } from './ttlPolicy.ts';

const citizen = { source: 'population', entity: 'cong-dan' };
const household = { source: 'population', entity: 'ho-gia-dinh' };
const land = { source: 'land', entity: 'thua-dat' };

describe('createTtlPolicy', () => {
  it('prefers source:entity, then source, then the default; not-founds get the negative TTL', () => {
    const ttl = createTtlPolicy({
      ttlSeconds: { population: 600, 'population:cong-dan': 60 },
      defaultTtlSeconds: 300,
      negativeTtlSeconds: 30,
      jitterRatio: 0,
    });
    expect(ttl(citizen, true)).toBe(60_000);
    expect(ttl(household, true)).toBe(600_000);
    expect(ttl(land, true)).toBe(300_000);
    expect(ttl(land, false)).toBe(30_000);
  });

  it('shortens by at most the jitter ratio', () => {
    expect(createTtlPolicy({ defaultTtlSeconds: 100, jitterRatio: 0.2 }, () => 0.999)(land, true)).toBe(
      80_020,
    );
    expect(createTtlPolicy({ defaultTtlSeconds: 100, jitterRatio: 0.2 }, () => 0)(land, true)).toBe(100_000);
  });

  it('rejects nonsense', () => {
    expect(() => createTtlPolicy({ jitterRatio: 2 })).toThrow('jitterRatio');
    expect(() => createTtlPolicy({ ttlSeconds: { land: 0 } })).toThrow('"land"');
  });
});
