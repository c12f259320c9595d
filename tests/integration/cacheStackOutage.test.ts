// Redis stopped mid-run, through the whole stack: a redis-server of the test's own (never the machine's
// shared one) is killed while requests flow. No request fails; they go upstream; the gateway's /readyz
// reports the rate limiter degraded (per-replica limits) but stays ready; after a restart caching
// resumes by itself. Counted, not timed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { congDan } from '../../mocks/data/population.ts';
import { sampleCitizenIds } from '../../mocks/data/samples.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { eventually, type RedisProcess, randomPrefix, startRedisServer } from './cacheRedisHelpers.ts';

const TOKEN_SCOPES = 'population:read insurance:read';
const Q = 'query($id: ID!) { citizen(id: $id) { fullName socialInsurance { code } } }';
// Citizens the population database holds (a small share of well-formed ids names no one).
const IDS = sampleCitizenIds(60, 'cache-stack-outage')
  .filter((id) => congDan(id) !== null)
  .slice(0, 40);

let redis: RedisProcess;
let stack: Stack;
let token: string;

beforeAll(async () => {
  redis = await startRedisServer();
  stack = await startStack({
    redisUrl: redis.url,
    redisKeyPrefix: randomPrefix(),
    // No in-process copies: every hit below is Redis's.
    cacheEnv: { CACHE_LOCAL_TTL_MS: '0' },
  });
  token = await stack.token(TOKEN_SCOPES);
});

afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  await redis?.[Symbol.asyncDispose]();
});

const ask = (id: string) => stack.query(Q, { id }, { token });
const readiness = async () => (await (await fetch(`${stack.gateway.url}/readyz`)).json()) as any;

describe('Redis stopped mid-run', () => {
  it('loses no request while Redis is down, then caches again once it is back', async () => {
    const warm = IDS.slice(0, 10);
    for (const id of warm) expect((await ask(id)).body.errors).toBeUndefined();
    stack.resetUpstreamCounts();
    for (const id of warm) await ask(id);
    expect(stack.upstreamRequests().population).toBe(0);

    await redis.stop();
    stack.resetUpstreamCounts();
    // Cached and cold citizens alike, some concurrently: all served, from upstream.
    const during = await Promise.all(IDS.slice(0, 30).map(ask));
    expect(during.map((a) => a.status)).toEqual(during.map(() => 200));
    expect(during.filter((a) => a.body.errors !== undefined)).toEqual([]);
    expect(during.every((a) => typeof (a.body.data?.['citizen'] as any)?.fullName === 'string')).toBe(true);
    expect(stack.upstreamRequests().population).toBeGreaterThan(0);
    const ready = await readiness();
    expect(ready.status).toBe('ready');
    expect(ready.checks.rateLimit).toMatchObject({ ok: true, degraded: true });

    await redis.start();
    // The breaker half-opens after a pause: poll (bounded) until a repeated query is served from Redis.
    const id = IDS[35] as string;
    await eventually(
      async () => {
        await ask(id);
        stack.resetUpstreamCounts();
        await ask(id);
        return stack.upstreamRequests().population === 0;
      },
      'caching resumed after Redis restarted',
      100,
      100,
    );
    await eventually(
      async () => (await readiness()).checks.rateLimit.degraded !== true,
      'shared limits restored',
    );
  });
});
