// One round trip per node for a batch of keys. Against a standalone server the whole batch is one group
// (one MGET, one pipeline); against a cluster the keys are grouped by slot (the record keys are
// hash-tagged, so a batch spans few slots) and the groups of one node share one pipeline, sent to all
// nodes in parallel.
import type { ChainableCommander } from 'ioredis';
import { isCluster, keyPrefixOf, type RedisClient } from '../redis.ts';
import { keySlot } from './clusterSlots.ts';

/** Indices into keys, grouped so that each group's keys may go into one multi-key command. */
export function groupBySlot(client: RedisClient, keys: readonly string[]): number[][] {
  if (!isCluster(client)) return keys.length > 0 ? [keys.map((_, i) => i)] : [];
  const prefix = keyPrefixOf(client);
  const bySlot = new Map<number, number[]>();
  keys.forEach((key, i) => {
    const slot = keySlot(prefix + key);
    const group = bySlot.get(slot);
    if (group) group.push(i);
    else bySlot.set(slot, [i]);
  });
  return [...bySlot.values()];
}

/**
 * Adds each group's commands (via `add`) to its node's pipeline, runs the pipelines in parallel, and
 * returns per group the replies of the commands it added. Rejects on the first error reply.
 */
export async function execGroups(
  client: RedisClient,
  keys: readonly string[],
  groups: readonly number[][],
  add: (pipeline: ChainableCommander, indices: readonly number[]) => void,
): Promise<unknown[][]> {
  const byNode = new Map<string, number[]>();
  groups.forEach((group, g) => {
    const node = nodeOf(client, keys[group[0] as number] as string);
    const list = byNode.get(node);
    if (list) list.push(g);
    else byNode.set(node, [g]);
  });
  const replies: unknown[][] = groups.map(() => []);
  await Promise.all(
    [...byNode.values()].map(async (groupIds) => {
      const pipeline = client.pipeline();
      const spans: { g: number; from: number; to: number }[] = [];
      for (const g of groupIds) {
        const from = pipeline.length;
        add(pipeline, groups[g] as number[]);
        spans.push({ g, from, to: pipeline.length });
      }
      const results = (await pipeline.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
      for (const { g, from, to } of spans) replies[g] = results.slice(from, to).map(([, value]) => value);
    }),
  );
  return replies;
}

// The master serving a key's slot; before the slot table is known, each slot is its own "node" (more
// pipelines, still correct).
function nodeOf(client: RedisClient, key: string): string {
  if (!isCluster(client)) return 'standalone';
  const slot = keySlot(keyPrefixOf(client) + key);
  return client.slots[slot]?.[0] ?? `slot:${slot}`;
}
