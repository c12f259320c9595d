// Dev mode only: the cache's encryption and id-hash keys, generated once under data/keys/cache.key so
// that restarts (and every local process) read what earlier ones cached. Production configures
// CACHE_ENCRYPTION_KEYS and CACHE_ID_HASH_KEY instead.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DevCacheKeys {
  readonly encryption: { keys: Record<string, Buffer>; currentKid: string };
  readonly idHashKey: Buffer;
}

interface KeyFile {
  kid: string;
  key: string;
  idHashKey: string;
}

export async function loadDevCacheKeys(dir: string): Promise<DevCacheKeys> {
  const file = join(dir, 'cache.key');
  const fresh: KeyFile = {
    kid: `dev-${randomBytes(4).toString('hex')}`,
    key: randomBytes(32).toString('base64'),
    idHashKey: randomBytes(32).toString('base64'),
  };
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(file, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
  } catch (error) {
    // Another process (or an earlier run) created it: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<KeyFile>;
  const key = Buffer.from(stored.key ?? '', 'base64');
  const idHashKey = Buffer.from(stored.idHashKey ?? '', 'base64');
  if (typeof stored.kid !== 'string' || key.length !== 32 || idHashKey.length < 32) {
    throw new Error(`${file} is not a cache key file (delete it to generate a new one)`);
  }
  return { encryption: { keys: { [stored.kid]: key }, currentKid: stored.kid }, idHashKey };
}
