// What a dump of Redis shows: no citizen's name, date of birth or address in values, no citizen id in
// keys; and key rotation: values written under the old key still read, new writes use the new key.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createRecordCache } from '../../lib/cache/createRecordCache.ts';
import { kidOf } from '../../lib/cache/recordSealer.ts';
import { silentLogger } from '../../lib/logger.ts';
import { sharedRedis, type TestRedis } from './cacheRedisHelpers.ts';

const kind = { source: 'population', entity: 'cong-dan' };
const citizenId = '001090012345';
const citizen = {
  soDinhDanh: citizenId,
  hoVaTen: 'Nguyễn Thị Minh Khai',
  ngaySinh: '1987-03-14',
  noiThuongTru: { diaChi: '12 Phố Huế, Phường Hai Bà Trưng, Hà Nội' },
};
const cleanups: (() => PromiseLike<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dump(server: TestRedis): Promise<{ key: string; value: Buffer }[]> {
  const keys = await server.client.keys(`${server.prefix}*`);
  const values = await Promise.all(
    keys.map((key) => server.client.getBuffer(key.slice(server.prefix.length))),
  );
  return keys.map((key, i) => ({ key, value: values[i] as Buffer }));
}

function cacheOn(server: TestRedis, keys: Record<string, Buffer>, currentKid: string, idHashKey: Buffer) {
  const cache = createRecordCache({
    logger: silentLogger(),
    redis: server.client,
    encryption: { keys, currentKid, idHashKey },
    localTtlMs: 0,
  });
  cleanups.push(() => cache[Symbol.asyncDispose]());
  return cache;
}

describe('record cache at rest', () => {
  it('stores no plaintext personal data in values and no citizen id in keys', async () => {
    const server = await sharedRedis();
    cleanups.push(() => server[Symbol.asyncDispose]());
    const cache = cacheOn(server, { k1: randomBytes(32) }, 'k1', randomBytes(32));
    await cache.setMany(kind, [{ id: citizenId, record: { value: citizen, fetchedAt: Date.now() } }]);
    const entries = await dump(server);
    expect(entries).toHaveLength(1);
    const [{ key, value }] = entries as [{ key: string; value: Buffer }];
    expect(key).not.toContain(citizenId);
    for (const secret of [citizenId, 'Nguyễn', 'Minh Khai', '1987-03-14', '1987', 'Phố Huế', 'hoVaTen']) {
      expect(value.includes(Buffer.from(secret, 'utf8'))).toBe(false);
    }
    expect(kidOf(value)).toBe('k1');
    expect((await cache.getMany(kind, [citizenId]))[0]?.value).toEqual(citizen);
  });

  it('rotates keys: old values still decrypt, new writes use the new kid', async () => {
    const server = await sharedRedis();
    cleanups.push(() => server[Symbol.asyncDispose]());
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const idHashKey = randomBytes(32);
    const before = cacheOn(server, { k1 }, 'k1', idHashKey);
    await before.setMany(kind, [{ id: 'old', record: { value: citizen, fetchedAt: 1 } }]);

    const after = cacheOn(server, { k2, k1 }, 'k2', idHashKey);
    expect((await after.getMany(kind, ['old']))[0]).toEqual({ value: citizen, fetchedAt: 1 });
    await after.setMany(kind, [{ id: 'new', record: { value: citizen, fetchedAt: 2 } }]);
    const kids = (await dump(server)).map((entry) => kidOf(entry.value)).sort();
    expect(kids).toEqual(['k1', 'k2']);
    // A replica that has not learnt k2 yet misses on the new value rather than failing.
    expect(await before.getMany(kind, ['new'])).toEqual([undefined]);
  });

  it('treats a value it cannot open (foreign key, corruption) as a miss', async () => {
    const server = await sharedRedis();
    cleanups.push(() => server[Symbol.asyncDispose]());
    const idHashKey = randomBytes(32);
    const writer = cacheOn(server, { a: randomBytes(32) }, 'a', idHashKey);
    await writer.setMany(kind, [{ id: 'x', record: { value: citizen, fetchedAt: 1 } }]);
    const stranger = cacheOn(server, { a: randomBytes(32) }, 'a', idHashKey);
    expect(await stranger.getMany(kind, ['x'])).toEqual([undefined]);
  });
});
