// The results registry's public keys (its /.well-known/jwks.json), fetched once and kept: re-fetched
// when they are old, or when a token names a key we do not know (the registry rotated) — but at most
// once per cooldown, so that a flood of tokens with made-up key ids cannot flood the registry.
import { createLocalJWKSet, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import type { UpstreamClient } from '../../common/upstreamClient.ts';

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;
export type KeyResolver = (
  header: JWSHeaderParameters,
  token: Parameters<LocalKeySet>[1],
) => ReturnType<LocalKeySet>;

export interface RegistryKeys {
  /** A jose key resolver for compactVerify. Rejects with the upstream error when no keys could be had. */
  readonly getKey: KeyResolver;
}

export interface RegistryKeysOptions {
  readonly client: UpstreamClient;
  /** Least time between two fetches caused by unknown key ids, ms; default 30 000. */
  readonly cooldownMs?: number;
  /** Keys older than this are re-fetched before use, ms; default 600 000. */
  readonly maxAgeMs?: number;
  readonly clock?: () => number;
}

export const REGISTRY_JWKS_PATH = '/.well-known/jwks.json';

export function createRegistryKeys(options: RegistryKeysOptions): RegistryKeys {
  const clock = options.clock ?? Date.now;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const maxAgeMs = options.maxAgeMs ?? 600_000;
  const state: { keys?: LocalKeySet; fetchedAt: number; lastAttempt: number; inflight?: Promise<void> } = {
    fetchedAt: 0,
    lastAttempt: Number.NEGATIVE_INFINITY,
  };

  const refresh = (): Promise<void> => {
    state.inflight ??= (async () => {
      state.lastAttempt = clock();
      try {
        const jwks = await options.client.getJson<JSONWebKeySet>(REGISTRY_JWKS_PATH);
        if (!Array.isArray(jwks?.keys)) throw new Error('registry JWKS has no "keys" array');
        state.keys = createLocalJWKSet(jwks);
        state.fetchedAt = clock();
      } finally {
        state.inflight = undefined;
      }
    })();
    return state.inflight;
  };

  const getKey: KeyResolver = async (header, token) => {
    if (!state.keys) await refresh();
    else if (clock() - state.fetchedAt > maxAgeMs && clock() - state.lastAttempt >= cooldownMs) {
      // Old keys still verify while the registry is unreachable: a rotation is rare, an outage is not.
      await refresh().catch(() => {});
    }
    try {
      return await state.keys!(header, token);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'ERR_JWKS_NO_MATCHING_KEY' || clock() - state.lastAttempt < cooldownMs) throw error;
      await refresh();
      return state.keys!(header, token);
    }
  };
  return { getKey };
}
