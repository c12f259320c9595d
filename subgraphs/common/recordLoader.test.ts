import { describe, expect, it } from 'vitest';
import type { CachedRecord, RecordCache, RecordKind } from '../../lib/cache/types.ts';
import { noCache } from '../../lib/cache/types.ts';
import { upstreamUnavailable } from '../../lib/errors.ts';
import { createRecordLoader, loadBatch, type RecordLoaderOptions } from './recordLoader.ts';

const KIND = { source: 'test', entity: `rec-${Math.random()}` };

function mapCache(
  seed: Record<string, CachedRecord> = {},
): RecordCache & { stored: Map<string, CachedRecord> } {
  const stored = new Map(Object.entries(seed));
  return {
    stored,
    getMany: async <T>(_kind: RecordKind, ids: readonly string[]) =>
      ids.map((id) => stored.get(id) as CachedRecord<T> | undefined),
    setMany: async (_kind, entries) => {
      for (const { id, record } of entries) stored.set(id, record);
    },
    evict: async () => {},
    [Symbol.asyncDispose]: async () => {},
  };
}

function options(overrides: Partial<RecordLoaderOptions<string>> = {}) {
  const calls: string[][] = [];
  const opts: RecordLoaderOptions<string> = {
    kind: { ...KIND, entity: `rec-${Math.random()}` },
    cache: noCache,
    toError: () => upstreamUnavailable('test'),
    fetch: async (ids) => {
      calls.push([...ids]);
      return ids.map((id) => (id.startsWith('missing') ? null : `record ${id}`));
    },
    ...overrides,
  };
  return { opts, calls };
}

describe('loadBatch', () => {
  it('answers one slot per key in order: record, or null when not found', async () => {
    const { opts, calls } = options();
    const slots = await loadBatch(opts, ['a', 'missing-1', 'b']);
    expect(slots.map((s) => (s instanceof Error || s === null ? s : s.record))).toEqual([
      'record a',
      null,
      'record b',
    ]);
    expect(calls).toEqual([['a', 'missing-1', 'b']]);
  });

  it('asks upstream only for what the cache lacks, and stores what it fetched with its time', async () => {
    const cache = mapCache({ a: { value: 'cached a', fetchedAt: 5 } });
    const { opts, calls } = options({ cache });
    const slots = await loadBatch(opts, ['a', 'b', 'missing-2']);
    expect(slots[0]).toEqual({ record: 'cached a', fetchedAt: 5, fromCache: true });
    expect(slots[1]).toMatchObject({ record: 'record b', fromCache: false, fetchedAt: expect.any(Number) });
    expect(calls).toEqual([['b', 'missing-2']]);
    expect(cache.stored.get('missing-2')).toMatchObject({ value: null });
  });

  it('puts the coded error in the slots it could not fetch and still serves the cached ones', async () => {
    const cache = mapCache({ a: { value: 'cached a', fetchedAt: 5 } });
    const { opts } = options({
      cache,
      fetch: async () => {
        throw new Error('503 from upstream');
      },
    });
    const [a, b] = await loadBatch(opts, ['a', 'b']);
    expect(a).toMatchObject({ record: 'cached a' });
    expect(b).toBeInstanceOf(Error);
    expect(b).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
  });

  it('treats an answer with the wrong number of slots as a failure of the whole batch', async () => {
    const { opts } = options({ fetch: async () => ['only one'] });
    const slots = await loadBatch(opts, ['a', 'b']);
    expect(slots.every((s) => s instanceof Error)).toBe(true);
  });
});

describe('createRecordLoader', () => {
  it('splits at 100 keys, the upstream limit, and dedupes repeated keys', async () => {
    const { opts, calls } = options();
    const loader = createRecordLoader(opts);
    const ids = Array.from({ length: 250 }, (_, i) => `id-${i}`);
    await loader.loadMany([...ids, 'id-0']);
    expect(calls.map((c) => c.length)).toEqual([100, 100, 50]);
  });
});
