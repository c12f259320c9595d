// Cold versus warm through the whole in-process stack on Redis: the fixture profile query (a citizen
// with all five sources) for N distinct citizens, first cold (nothing cached), then warm (all cached).
// Prints throughput, p50, p99 and upstream requests per query for each pass, as docs/caching.md quotes.
//   node scripts/cacheColdWarm.ts [--citizens 300] [--concurrency 16] [--upstream-delay-ms 0]
//     [--redis-timeout-ms 100] [--redis redis://127.0.0.1:6379]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { silentLogger } from '../lib/logger.ts';
import { closeRedisClient, createRedisClient, waitForReady } from '../lib/redis.ts';
import { SOURCES } from '../lib/topology.ts';
import { sampleCitizenIds } from '../mocks/data/samples.ts';
import { type Stack, startStack } from '../tests/support/stack.ts';

const PROFILE = `query($id: ID!) { citizen(id: $id) { id fullName dateOfBirth spouse { id fullName }
  socialInsurance { code } enterprises { code name legalRepresentative { id } }
  landCertificates { serial } issuedResults { code } } }`;

const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '16' },
    'upstream-delay-ms': { type: 'string', default: '0' },
    'redis-timeout-ms': { type: 'string', default: '100' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});
const citizens = Number(values.citizens);
const concurrency = Number(values.concurrency);
const delayMs = Number(values['upstream-delay-ms']);
const prefix = `bench:lienthong:${randomBytes(6).toString('hex')}:`;

async function pass(stack: Stack, token: string, ids: readonly string[]) {
  stack.resetUpstreamCounts();
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ids.length) {
        const id = ids[next++] as string;
        const t0 = performance.now();
        const answer = await stack.query(PROFILE, { id }, { token });
        latencies.push(performance.now() - t0);
        if (answer.status !== 200 || answer.body.errors) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number;
  const upstream = Object.values(stack.upstreamRequests()).reduce((a, b) => a + b, 0);
  return {
    requests: ids.length,
    failures,
    throughput: Math.round(ids.length / seconds),
    p50: Number(at(0.5).toFixed(1)),
    p99: Number(at(0.99).toFixed(1)),
    upstreamPerQuery: Number((upstream / ids.length).toFixed(2)),
    upstreamBySource: stack.upstreamRequests(),
  };
}

const stack = await startStack({
  redisUrl: values.redis,
  redisKeyPrefix: prefix,
  cacheEnv: { REDIS_COMMAND_TIMEOUT_MS: values['redis-timeout-ms'] },
  gatewayEnv: { RATE_LIMIT_CAPACITY: '1000000', RATE_LIMIT_REFILL_PER_SECOND: '1000000' },
  faults: Object.fromEntries(SOURCES.map((s) => [s, { delayMs }])),
});
try {
  const token = await stack.token('population:read business:read insurance:read land:read results:read');
  const ids = sampleCitizenIds(citizens, 'cold-warm');
  await pass(stack, token, sampleCitizenIds(50, 'warm-up-the-processes'));
  const cold = await pass(stack, token, ids);
  const warm = await pass(stack, token, ids);
  process.stdout.write(
    `${JSON.stringify({ citizens, concurrency, upstreamDelayMs: delayMs, cold, warm }, null, 2)}\n`,
  );
} finally {
  await stack[Symbol.asyncDispose]();
  const admin = createRedisClient({
    url: values.redis,
    keyPrefix: '',
    logger: silentLogger(),
    commandTimeoutMs: 2000,
  });
  if (await waitForReady(admin, 2000)) {
    let cursor = '0';
    do {
      const [nextCursor, keys] = (await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)) as [
        string,
        string[],
      ];
      cursor = nextCursor;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== '0');
  }
  await closeRedisClient(admin);
}
