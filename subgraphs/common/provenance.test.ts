import { describe, expect, it } from 'vitest';
import { provenanceOf } from './provenance.ts';

const record = { phienBan: 3, capNhatLuc: '2025-11-20T08:00:00.000Z' };

describe('provenanceOf', () => {
  it('says where a fresh copy came from, with no cache age', () => {
    const fetchedAt = Date.parse('2025-11-21T09:00:00.000Z');
    expect(provenanceOf('population', { record, fetchedAt, fromCache: false }, fetchedAt + 5_000)).toEqual({
      source: 'POPULATION',
      sourceUpdatedAt: record.capNhatLuc,
      version: 3,
      fetchedAt: '2025-11-21T09:00:00.000Z',
      fromCache: false,
      cacheAgeSeconds: 0,
    });
  });

  it('gives a cached copy its age in whole seconds, never negative', () => {
    const fetchedAt = 1_000_000;
    expect(provenanceOf('land', { record, fetchedAt, fromCache: true }, fetchedAt + 61_900)).toMatchObject({
      source: 'LAND',
      fromCache: true,
      cacheAgeSeconds: 61,
    });
    // Another replica's clock may run behind the one that cached it.
    expect(
      provenanceOf('land', { record, fetchedAt, fromCache: true }, fetchedAt - 2_000).cacheAgeSeconds,
    ).toBe(0);
  });
});
