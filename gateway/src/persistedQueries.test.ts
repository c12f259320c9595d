import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.ts';
import { silentLogger } from '../../lib/logger.ts';
import { createPersistedQueries, type RequestFields, type Resolution, sha256 } from './persistedQueries.ts';

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

const query = '{ citizen(id: "092183033642") { fullName } }';

const reference = (text: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(text) } });
const codeOf = (resolution: Resolution) =>
  'error' in resolution ? resolution.error.extensions['code'] : undefined;

describe('persisted queries', () => {
  it('in safelist mode serves the listed texts by hash and ignores registrations', async () => {
    const file = await safelistFile({ [sha256(query)]: query });
    const pq = await createPersistedQueries({ only: true, file, ttlSeconds: 60 }, { logger: silentLogger() });
    expect(await pq.resolve({ extensions: reference(query) }, 'any-client')).toEqual({
      fields: { query, extensions: {} },
    });
    const other = '{ __typename }';
    await pq.resolve({ query: other, extensions: reference(other) }, 'any-client');
    expect(codeOf(await pq.resolve({ extensions: reference(other) }, 'any-client'))).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
    expect(pq.stage?.name).toBe('safelist');
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

  it('without a safelist stores queries in process, per client, when there is no Redis', async () => {
    const pq = await createPersistedQueries(
      { only: false, file: undefined, ttlSeconds: 60 },
      { logger: silentLogger() },
    );
    expect(await pq.resolve({ query, extensions: reference(query) }, 'client-a')).toEqual({
      fields: { query, extensions: {} },
    });
    expect(await pq.resolve({ extensions: reference(query) }, 'client-a')).toEqual({
      fields: { query, extensions: {} },
    });
    expect(codeOf(await pq.resolve({ extensions: reference(query) }, 'client-b'))).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
    expect(pq.stage).toBeUndefined();
    expect(pq.health()).toEqual({ ok: true, detail: 'in-process' });
  });

  it('answers protocol errors with their own codes: wrong version, malformed or mismatched hash', async () => {
    const pq = await createPersistedQueries(
      { only: false, file: undefined, ttlSeconds: 60 },
      { logger: silentLogger() },
    );
    const cases: [unknown, string][] = [
      [
        { query, extensions: { persistedQuery: { version: 2, sha256Hash: sha256(query) } } },
        'PERSISTED_QUERY_NOT_SUPPORTED',
      ],
      [{ query, extensions: { persistedQuery: { version: 1, sha256Hash: 'xyz' } } }, 'BAD_REQUEST'],
      [{ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ a }') } } }, 'BAD_REQUEST'],
      [{ query, extensions: { persistedQuery: 'yes' } }, 'BAD_REQUEST'],
      [{ query: 42, extensions: reference(query) }, 'BAD_REQUEST'],
    ];
    for (const [fields, code] of cases) {
      const resolution = await pq.resolve(fields as RequestFields, 'client-a');
      expect(codeOf(resolution)).toBe(code);
      if ('error' in resolution) expect(resolution.error.extensions['http']).toMatchObject({ status: 400 });
    }
  });
});
