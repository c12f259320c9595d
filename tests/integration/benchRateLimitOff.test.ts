// The benchmark prices the rate limiter by switching it off (LIENTHONG_BENCH=1,
// BENCH_DISABLE_FEATURES=rateLimit): a client whose quota is one request is then never refused, where
// the same quota with the limiter on refuses the second request (cacheStack.test.ts, "rate limiting").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    gatewayEnv: {
      LIENTHONG_BENCH: '1',
      BENCH_DISABLE_FEATURES: 'rateLimit',
      RATE_LIMIT_CLIENTS: 'ubnd-quota.motcua=1/0.01',
    },
  });
});

afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
});

describe('benchmark with the rate limiter switched off', () => {
  it('serves a client past its quota, since the limiter is what is being priced', async () => {
    const token = await stack.token('population:read', { sub: 'ubnd-quota.motcua' });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const answer = await stack.query(
        'query($id: ID!) { citizen(id: $id) { fullName } }',
        { id: FIXTURES.wife },
        { token },
      );
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([200, 200, 200]);
  });
});
