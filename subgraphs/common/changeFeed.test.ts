import { afterEach, describe, expect, it } from 'vitest';
import type { RecordCache, RecordKind } from '../../lib/cache/types.ts';
import { noCache } from '../../lib/cache/types.ts';
import { silentLogger } from '../../lib/logger.ts';
import { createMock, type MockServer } from '../../mocks/createMock.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type ChangeFeed, parseChangeEvent, readEvents, startChangeFeed } from './changeFeed.ts';

async function* chunks(...parts: string[]) {
  for (const part of parts) yield Buffer.from(part);
}

const waitFor = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`never happened: ${what}`);
};

function recordingCache(): RecordCache & { evicted: string[] } {
  const evicted: string[] = [];
  return {
    ...noCache,
    evicted,
    evict: async (kind: RecordKind, ids: readonly string[]) => {
      evicted.push(...ids.map((id) => `${kind.entity}:${id}`));
    },
  };
}

const cleanup: AsyncDisposable[] = [];
afterEach(async () => {
  for (const item of cleanup.splice(0).reverse()) await item[Symbol.asyncDispose]();
});

describe('readEvents', () => {
  it('splits events across chunk boundaries, skips comments and joins multi-line data', async () => {
    const seen: string[] = [];
    await readEvents(
      chunks(': connected\n\nda', 'ta: {"a":1}\r\n\r\ndata: x\ndata: y\n\n', ': keep\n\n'),
      (d) => seen.push(d),
    );
    expect(seen).toEqual(['{"a":1}', 'x\ny']);
  });

  it('ignores what is not a change event of the source', () => {
    expect(parseChangeEvent('population', 'not json')).toBeUndefined();
    expect(parseChangeEvent('population', '{"loai":1}')).toBeUndefined();
    expect(parseChangeEvent('population', '{"loai":"doanh-nghiep","ma":"1"}')).toEqual([]);
  });
});

describe('startChangeFeed against a mock', () => {
  it('evicts on each change event and reconnects after the upstream restarts', async () => {
    let mock: MockServer = await createMock({ source: 'population', apiKey: 'k' });
    const port = mock.port;
    cleanup.push({ [Symbol.asyncDispose]: () => mock.close() });
    const cache = recordingCache();
    const feed: ChangeFeed = startChangeFeed({
      source: 'population',
      upstreamUrl: mock.url,
      upstreamApiKey: 'k',
      cache,
      logger: silentLogger(),
      minBackoffMs: 10,
      maxBackoffMs: 50,
    });
    cleanup.push(feed);
    await waitFor(() => feed.connected(), 'feed connected');
    mock.touch('cong-dan', FIXTURES.husband);
    await waitFor(() => cache.evicted.length === 1, 'first eviction');
    expect(cache.evicted).toEqual([`cong-dan:${FIXTURES.husband}`]);

    await mock.close();
    await waitFor(() => !feed.connected(), 'feed noticed the close');
    mock = await createMock({ source: 'population', apiKey: 'k', port });
    await waitFor(() => feed.connected(), 'feed reconnected');
    mock.touch('ho-gia-dinh', FIXTURES.household);
    await waitFor(() => cache.evicted.length === 2, 'eviction after reconnecting');
    expect(cache.evicted[1]).toBe(`ho-gia-dinh:${FIXTURES.household}`);
  });

  it('does not keep a wrong key’s stream, and closes promptly while backing off', async () => {
    const mock = await createMock({ source: 'population', apiKey: 'k' });
    cleanup.push(mock);
    const feed = startChangeFeed({
      source: 'population',
      upstreamUrl: mock.url,
      upstreamApiKey: 'wrong',
      cache: recordingCache(),
      logger: silentLogger(),
      minBackoffMs: 10_000,
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(feed.connected()).toBe(false);
    await feed.close();
  });
});
