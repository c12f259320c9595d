// One client cannot degrade others at a slow national database (DESIGN.md "Quality bars": fairness).
// Each subgraph gives every client system its own share of the upstream connections (a bulkhead), and
// only genuine upstream failures count towards a source's circuit breaker: a flood from one client
// waits behind itself, does not time out in front of everyone, and cannot open the circuit that every
// other client's lookups pass through. Asserted by outcomes and the breaker's state, never by times.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCitizenIds } from '../../mocks/data/samples.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    // Slow but well within its timeout: 250 ms per answer, the subgraph waits up to 1.5 s for one. A
    // flood of 300 calls through the subgraph's 32 connections would keep the last of them waiting
    // far longer than that.
    faults: { population: { delayMs: 250 } },
    upstreamTimeoutMs: 1_500,
    resilience: { breakerThreshold: 5, halfOpenAfterMs: 120_000 },
    gatewayEnv: {
      // As if the flood came through many gateway replicas: the gateway lets all of it through, so
      // that what is tested is the subgraph's own protection.
      RATE_LIMIT_CLIENTS: 'ubnd-flood.motcua=1000/1000',
      CLIENT_MAX_CONCURRENT_REQUESTS: '1000',
      SUBGRAPH_CONNECTIONS: '1000',
      SUBGRAPH_TIMEOUT_MS: '60000',
      REQUEST_TIMEOUT_MS: '60000',
    },
  });
});

afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
});

async function circuitState(): Promise<string | undefined> {
  const text = await (await fetch(`${stack.subgraphs.population.baseUrl}/metrics`)).text();
  return /lienthong_upstream_circuit_state\{[^}]*source="population"[^}]*\} (\d)/.exec(text)?.[1];
}

describe('attack: one client floods a slow national database', () => {
  it("another client's lookups still succeed, and the source's circuit stays closed", async () => {
    const flooder = await stack.token('population:read', { sub: 'ubnd-flood.motcua' });
    const bystander = await stack.token('population:read', { sub: 'ubnd-bystander.motcua' });
    const query = 'query($id: ID!) { citizen(id: $id) { fullName } }';
    // 300 distinct citizens at once: ten times the pool's 32 connections, each a call of its own.
    const flood = sampleCitizenIds(300, 'fairness-flood').map((id) =>
      stack.query(query, { id }, { token: flooder }),
    );
    const lookups = await Promise.all(
      [FIXTURES.husband, FIXTURES.wife, FIXTURES.children[0]].map((id) =>
        stack.query(query, { id }, { token: bystander }),
      ),
    );
    const flooded = await Promise.all(flood);
    for (const answer of lookups) {
      expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
      expect(answer.body.data?.['citizen']).toMatchObject({ fullName: expect.any(String) });
    }
    expect(await circuitState()).toBe('0');
    // The flood itself was served too, only later: waiting behind itself is not a failure.
    const upstreamFailures = flooded.filter((a) =>
      a.body.errors?.some((e) => e.extensions?.['code'] === 'UPSTREAM_UNAVAILABLE'),
    );
    expect(upstreamFailures).toHaveLength(0);
  });
});
