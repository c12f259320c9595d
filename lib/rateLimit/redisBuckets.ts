// Token buckets in Redis, updated atomically by one Lua script per request (all of a client's buckets
// share a hash tag, so the script's keys are in one slot, which a cluster requires). The script mirrors
// tokenBucket.ts; the caller's clock is passed in so that both agree and tests can drive time. Sent as
// EVALSHA, falling back to EVAL when the server has not seen the script (restart, failover, new node).
import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis.ts';
import { timeToFullMs } from './tokenBucket.ts';
import type { BucketLimit, RateLimitResult } from './types.ts';

// KEYS: the buckets. ARGV: now (ms), cost, then capacity and refill per second for each bucket.
export const TOKEN_BUCKET_LUA = `
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local allowed = 1
local retry = 0
local tokens, stamps = {}, {}
for i = 1, #KEYS do
  local cap = tonumber(ARGV[1 + 2 * i])
  local rate = tonumber(ARGV[2 + 2 * i])
  local state = redis.call('HMGET', KEYS[i], 't', 'u')
  local t = tonumber(state[1])
  local u = tonumber(state[2])
  if t == nil or u == nil then t = cap; u = now end
  if now > u then t = math.min(cap, t + (now - u) / 1000 * rate) end
  if t < cost then
    allowed = 0
    local wait = math.ceil((cost - t) / rate)
    if wait > retry then retry = wait end
  end
  tokens[i] = t
  stamps[i] = math.max(now, u)
end
local remaining = nil
for i = 1, #KEYS do
  local t = tokens[i]
  if allowed == 1 then t = t - cost end
  redis.call('HSET', KEYS[i], 't', string.format('%.17g', t), 'u', string.format('%.17g', stamps[i]))
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2 + 2 * #KEYS + i]))
  if remaining == nil or t < remaining then remaining = t end
end
if allowed == 1 then retry = 0 end
return { allowed, retry, math.max(0, math.floor(remaining)) }
`;

export const TOKEN_BUCKET_SHA = createHash('sha1').update(TOKEN_BUCKET_LUA).digest('hex');

export async function takeFromRedis(
  client: RedisClient,
  keys: readonly string[],
  limits: readonly BucketLimit[],
  cost: number,
  nowMs: number,
): Promise<RateLimitResult> {
  const args: (string | number)[] = [nowMs, cost];
  for (const limit of limits) args.push(limit.capacity, limit.refillPerSecond);
  for (const limit of limits) args.push(timeToFullMs(limit) + 1000);
  let reply: unknown;
  try {
    reply = await client.evalsha(TOKEN_BUCKET_SHA, keys.length, ...keys, ...args);
  } catch (error) {
    if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
    reply = await client.eval(TOKEN_BUCKET_LUA, keys.length, ...keys, ...args);
  }
  const [allowed, retryAfterSeconds, remaining] = reply as [number, number, number];
  return {
    allowed: allowed === 1,
    retryAfterSeconds: Number(retryAfterSeconds),
    remaining: Number(remaining),
  };
}
