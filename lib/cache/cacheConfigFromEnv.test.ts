import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { cacheConfigFromEnv } from './cacheConfigFromEnv.ts';

const b64 = () => randomBytes(32).toString('base64');
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-cache-keys-'));
  dirs.push(dir);
  return dir;
};

async function problems(env: NodeJS.ProcessEnv): Promise<readonly string[]> {
  try {
    await cacheConfigFromEnv(env, { devKeyDir: await tempDir() });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('cacheConfigFromEnv', () => {
  it('defaults to the in-process cache', async () => {
    const config = await cacheConfigFromEnv({});
    expect(config.redis).toBeUndefined();
    expect(config.ttl).toEqual({
      ttlSeconds: {},
      defaultTtlSeconds: 300,
      negativeTtlSeconds: 30,
      jitterRatio: 0.1,
    });
    expect(config.maxEntries).toBe(10_000);
  });

  it('reads Redis, TTLs and keys, the first key being current', async () => {
    const [k1, k2, idHash] = [b64(), b64(), b64()];
    const config = await cacheConfigFromEnv({
      REDIS_URL: 'redis://cache.internal:6379',
      REDIS_KEY_PREFIX: 'lienthong:prod:',
      CACHE_TTL_SECONDS: '120,population=600,land:thua-dat=3600',
      CACHE_NEGATIVE_TTL_SECONDS: '10',
      CACHE_TTL_JITTER: '0.2',
      CACHE_ENCRYPTION_KEYS: `k2:${k2},k1:${k1}`,
      CACHE_ID_HASH_KEY: idHash,
    });
    expect(config.redis).toMatchObject({ url: 'redis://cache.internal:6379', keyPrefix: 'lienthong:prod:' });
    expect(config.ttl).toEqual({
      ttlSeconds: { population: 600, 'land:thua-dat': 3600 },
      defaultTtlSeconds: 120,
      negativeTtlSeconds: 10,
      jitterRatio: 0.2,
    });
    expect(config.encryption?.currentKid).toBe('k2');
    expect(Object.keys(config.encryption?.keys ?? {})).toEqual(['k2', 'k1']);
    expect(config.encryption?.idHashKey.toString('base64')).toBe(idHash);
  });

  it('requires a key prefix and keys with Redis outside dev mode, all reported at once', async () => {
    const found = await problems({ REDIS_CLUSTER_NODES: '10.0.0.1:6379,10.0.0.2:6379' });
    expect(found.map((p) => p.split(':')[0])).toEqual([
      'REDIS_KEY_PREFIX',
      'CACHE_ENCRYPTION_KEYS',
      'CACHE_ID_HASH_KEY',
    ]);
  });

  it('names each malformed variable without echoing key material', async () => {
    const secret = randomBytes(16).toString('base64');
    const found = await problems({
      REDIS_URL: 'http://nope',
      CACHE_TTL_SECONDS: 'forever',
      CACHE_TTL_JITTER: '3',
      CACHE_ENCRYPTION_KEYS: `k1:${secret}`,
    });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(
      ['CACHE_ENCRYPTION_KEYS', 'CACHE_TTL_JITTER', 'CACHE_TTL_SECONDS', 'REDIS_URL'].sort(),
    );
    expect(found.join('\n')).not.toContain(secret.slice(0, 12));
  });

  it('in dev mode generates the keys once under the key directory and reuses them', async () => {
    const dir = await tempDir();
    const env = { LIENTHONG_DEV: '1', REDIS_URL: 'redis://127.0.0.1:6379' };
    const first = await cacheConfigFromEnv(env, { devKeyDir: dir });
    const second = await cacheConfigFromEnv(env, { devKeyDir: dir });
    expect(first.redis?.keyPrefix).toBe('lienthong:dev:');
    expect(second.encryption?.currentKid).toBe(first.encryption?.currentKid);
    expect(second.encryption?.idHashKey.equals(first.encryption?.idHashKey as Buffer)).toBe(true);
    expect((await stat(join(dir, 'cache.key'))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(dir, 'cache.key'), 'utf8'))).toHaveProperty('kid');
  });
});
