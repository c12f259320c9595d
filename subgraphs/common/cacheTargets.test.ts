import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SOURCES } from '../../lib/topology.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { CACHED_KINDS, changeTargets, isEvictableSubject, subjectTargets } from './cacheTargets.ts';

const LOADERS = {
  population: 'population/datasources/populationLoaders.ts',
  business: 'business/datasources/businessLoaders.ts',
  insurance: 'insurance/datasources/insuranceLoaders.ts',
  land: 'land/datasources/landLoaders.ts',
  results: 'results/datasources/resultsLoaders.ts',
} as const;

const entitiesOf = (source: keyof typeof LOADERS) =>
  [...readFileSync(new URL(`../${LOADERS[source]}`, import.meta.url), 'utf8').matchAll(/entity: '([^']+)'/g)]
    .map((m) => m[1])
    .sort();

describe('cache targets', () => {
  it('name exactly the kinds each source’s loaders cache', () => {
    for (const source of SOURCES) expect([...CACHED_KINDS[source]].sort()).toEqual(entitiesOf(source));
  });

  it('map every change event a mock publishes to kinds its subgraph caches', () => {
    const events = {
      population: ['cong-dan', 'ho-gia-dinh'],
      business: ['doanh-nghiep'],
      insurance: ['bao-hiem'],
      land: ['giay-chung-nhan'],
      results: ['ket-qua'],
    } as const;
    for (const source of SOURCES) {
      for (const loai of events[source]) {
        const targets = changeTargets(source, loai, 'x');
        expect(targets.length).toBeGreaterThan(0);
        for (const t of targets) expect(CACHED_KINDS[source]).toContain(t.kind.entity);
      }
      expect(changeTargets(source, 'toString', 'x')).toEqual([]);
    }
  });

  it('evict a citizen everywhere the citizen is a key, and nothing for a malformed subject', () => {
    const entities = (subject: string) =>
      SOURCES.flatMap((s) => subjectTargets(s, subject).map((t) => `${s}:${t.kind.entity}:${t.ids[0]}`));
    expect(entities(FIXTURES.husband)).toEqual([
      `population:cong-dan:${FIXTURES.husband}`,
      `population:ho-gia-dinh:${FIXTURES.husband}`,
      `business:doanh-nghiep-theo-ca-nhan:${FIXTURES.husband}`,
      `insurance:bhxh-theo-ca-nhan:${FIXTURES.husband}`,
      `land:gcn-theo-ca-nhan:${FIXTURES.husband}`,
      `results:ket-qua-theo-doi-tuong:CONG_DAN:${FIXTURES.husband}`,
    ]);
    expect(entities(FIXTURES.enterprise)).toEqual([
      `business:doanh-nghiep:${FIXTURES.enterprise}`,
      `land:gcn-theo-to-chuc:${FIXTURES.enterprise}`,
      `results:ket-qua-theo-doi-tuong:DOANH_NGHIEP:${FIXTURES.enterprise}`,
    ]);
    expect(entities(FIXTURES.landSerial)).toEqual([`land:giay-chung-nhan:${FIXTURES.landSerial}`]);
    expect(entities(FIXTURES.landResult)).toEqual([`results:ket-qua:${FIXTURES.landResult}`]);
    expect(isEvictableSubject('*')).toBe(false);
    expect(isEvictableSubject(FIXTURES.malformedCitizenId)).toBe(false);
  });
});
