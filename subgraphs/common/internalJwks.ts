// Where a subgraph finds the gateway's internal-token public keys.
import { join } from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { DEV_KEY_DIR, ensureDevKey, loadJwksFile, toJwks } from '../../lib/keys.ts';

export const DEV_INTERNAL_KEY_NAME = 'gateway-internal';

/**
 * INTERNAL_JWKS_FILE when set; in dev mode the dev key pair is created if missing (the gateway makes the
 * same call to get the private half), so that either process may start first.
 */
export async function loadInternalJwks(options: {
  readonly file: string | undefined;
  readonly dev: boolean;
  readonly keyDir?: string;
}): Promise<JSONWebKeySet> {
  if (options.file !== undefined) return loadJwksFile(options.file);
  if (!options.dev) throw new Error('INTERNAL_JWKS_FILE is required outside dev mode');
  const dir = options.keyDir ?? DEV_KEY_DIR;
  const key = await ensureDevKey(DEV_INTERNAL_KEY_NAME, 'EdDSA', dir);
  // ensureDevKey writes the JWKS only when it creates the key; a pair left without one still works.
  return loadJwksFile(join(dir, `${DEV_INTERNAL_KEY_NAME}.jwks.json`)).catch(() => toJwks([key.publicJwk]));
}
