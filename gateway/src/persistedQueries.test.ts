import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.ts';
import { silentLogger } from '../../lib/logger.ts';
import { createPersistedQueries, sha256 } from './persistedQueries.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function safelistFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-safelist-'));
  dirs.push(dir);
  const file = join(dir, 'safelist.json');
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const query = '{ citizen(id: "092185022321") { fullName } }';

describe('persisted queries', () => {
  it('in safelist mode serves the listed texts by hash and ignores registrations', async () => {
    const file = await safelistFile({ [sha256(query)]: query });
    const pq = await createPersistedQueries({ only: true, file, ttlSeconds: 60 }, { logger: silentLogger() });
    expect(await pq.options.cache.get(`apq:${sha256(query)}`)).toBe(query);
    await pq.options.cache.set('apq:abc', '{ __typename }');
    expect(await pq.options.cache.get('apq:abc')).toBeUndefined();
    expect(pq.plugin).toBeDefined();
    expect(pq.health()).toEqual({ ok: true, detail: 'safelist of 1' });
  });

  it('refuses at start a safelist whose key is not the hash of its text, or that is not JSON', async () => {
    for (const content of [{ [sha256('{ a }')]: query }, 'not json', ['q']]) {
      const file = await safelistFile(content);
      await expect(
        createPersistedQueries({ only: true, file, ttlSeconds: 60 }, { logger: silentLogger() }),
      ).rejects.toBeInstanceOf(ConfigError);
    }
  });

  it('without a safelist stores queries in process when there is no Redis', async () => {
    const pq = await createPersistedQueries(
      { only: false, file: undefined, ttlSeconds: 60 },
      { logger: silentLogger() },
    );
    await pq.options.cache.set('apq:h', query);
    expect(await pq.options.cache.get('apq:h')).toBe(query);
    expect(pq.plugin).toBeUndefined();
    expect(pq.health()).toEqual({ ok: true, detail: 'in-process' });
  });
});
