import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.ts';
import { createRecordCache } from './createRecordCache.ts';
import { loadThrough } from './loadThrough.ts';
import type { RecordKind } from './types.ts';

const kind: RecordKind = { source: 'population', entity: 'cong-dan' };
const newCache = () => createRecordCache({ logger: silentLogger() });

describe('loadThrough', () => {
  it('makes one upstream call for 200 concurrent loads of one cold id', async () => {
    await using cache = newCache();
    let calls = 0;
    const fetchMissing = async (ids: string[]) => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return ids.map((id) => ({ id }));
    };
    const results = await Promise.all(
      Array.from({ length: 200 }, () => loadThrough(cache, kind, ['001090000001'], fetchMissing)),
    );
    expect(calls).toBe(1);
    for (const [result] of results) expect(result).toMatchObject({ value: { id: '001090000001' } });
  });

  it('fetches only the misses, keeps order and duplicates, and serves the next call from cache', async () => {
    await using cache = newCache();
    await cache.setMany(kind, [{ id: 'a', record: { value: { id: 'a' }, fetchedAt: 1 } }]);
    const asked: string[][] = [];
    const fetchMissing = async (ids: string[]) => {
      asked.push(ids);
      return ids.map((id) => (id === 'gone' ? null : { id }));
    };
    const first = await loadThrough(cache, kind, ['b', 'a', 'gone', 'b'], fetchMissing);
    expect(asked).toEqual([['b', 'gone']]);
    expect(first).toEqual([
      { value: { id: 'b' }, fetchedAt: expect.any(Number), fromCache: false },
      { value: { id: 'a' }, fetchedAt: 1, fromCache: true },
      { value: null, fetchedAt: expect.any(Number), fromCache: false },
      { value: { id: 'b' }, fetchedAt: expect.any(Number), fromCache: false },
    ]);
    const second = await loadThrough(cache, kind, ['b', 'gone'], fetchMissing);
    expect(asked).toHaveLength(1);
    expect(second.map((r) => !(r instanceof Error) && r.fromCache)).toEqual([true, true]);
  });

  it('never caches errors: a failed id is fetched again next time', async () => {
    await using cache = newCache();
    let attempt = 0;
    const fetchMissing = async (ids: string[]) => {
      attempt++;
      return ids.map((id) => (id === 'flaky' && attempt === 1 ? new Error('timeout') : { id }));
    };
    const [flaky, ok] = await loadThrough(cache, kind, ['flaky', 'ok'], fetchMissing);
    expect(flaky).toBeInstanceOf(Error);
    expect(ok).toMatchObject({ value: { id: 'ok' } });
    const [again] = await loadThrough(cache, kind, ['flaky'], fetchMissing);
    expect(again).toMatchObject({ value: { id: 'flaky' }, fromCache: false });
  });

  it('turns a thrown or malformed upstream answer into an Error per slot', async () => {
    await using cache = newCache();
    const thrown = await loadThrough(cache, kind, ['x', 'y'], async () => {
      throw new Error('upstream 500');
    });
    expect(thrown.map((r) => (r as Error).message)).toEqual(['upstream 500', 'upstream 500']);
    const short = await loadThrough(cache, kind, ['x', 'y'], async () => [{ id: 'x' }]);
    expect(short.every((r) => r instanceof Error)).toBe(true);
  });
});
