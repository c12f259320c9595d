// Failing national databases through the whole stack: a hung source is cut at its budget while the
// rest of the response is served, failing batch reads are retried, and the source's circuit breaker
// opens (no more upstream requests, /readyz degraded) and closes again once the source recovers.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack } from '../support/stack.ts';

// Long enough that the request made while the circuit is open always falls inside the window, even on a
// loaded machine; the recovery step then waits it out.
const HALF_OPEN_AFTER_MS = 3_000;
let stack: Stack;
let token: string;

beforeAll(async () => {
  stack = await startStack({
    upstreamTimeoutMs: 300,
    resilience: { baseDelayMs: 5, breakerThreshold: 3, halfOpenAfterMs: HALF_OPEN_AFTER_MS },
  });
  token = await stack.token('population:read business:read insurance:read');
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
});

const readiness = async (source: 'business' | 'insurance') => {
  const response = await fetch(`${stack.subgraphs[source].baseUrl}/readyz`);
  return { status: response.status, body: (await response.json()) as { checks: Record<string, unknown> } };
};

describe('a national database that hangs', () => {
  it('is cut at its own timeout and the rest of the response is served', async () => {
    stack.mocks.insurance.setFaults({ timeoutRate: 1 });
    try {
      const started = Date.now();
      const answer = await stack.query(
        'query($id: ID!) { citizen(id: $id) { fullName socialInsurance { code } } }',
        { id: FIXTURES.husband },
        { token },
      );
      // Well inside the gateway's 15 s request budget: the 300 ms upstream timeout did the cutting.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(answer.status).toBe(200);
      const citizen = answer.body.data?.['citizen'] as Record<string, unknown> | undefined;
      expect(citizen?.['fullName']).toBeTruthy();
      expect(citizen?.['socialInsurance']).toBeNull();
      const error = answer.body.errors?.find((e) => e.extensions?.['code'] === 'UPSTREAM_UNAVAILABLE');
      expect(error?.path).toEqual(['citizen', 'socialInsurance']);
      // A timeout is not retried (it has spent its budget): one request, and it was hung up on.
      expect(stack.mocks.insurance.stats().requests).toBe(1);
      for (let i = 0; i < 50 && stack.mocks.insurance.heldRequests() > 0; i++) await sleep(20);
      expect(stack.mocks.insurance.heldRequests()).toBe(0);
    } finally {
      stack.mocks.insurance.setFaults({ timeoutRate: 0 });
    }
    const again = await stack.query(
      'query($id: ID!) { citizen(id: $id) { socialInsurance { code } } }',
      { id: FIXTURES.husband },
      { token },
    );
    expect(again.body.errors).toBeUndefined();
  });
});

describe('a national database that fails', () => {
  const query = `query($id: ID!, $code: ID!) { citizen(id: $id) { fullName } enterprise(code: $code) { name } }`;
  const variables = { id: FIXTURES.husband, code: FIXTURES.enterprise };

  it('is retried, then its circuit opens: no upstream request until it is probed, and it closes on recovery', async () => {
    stack.mocks.business.setFaults({ errorRate: 1, errorStatus: 503 });
    stack.resetUpstreamCounts();
    const first = await stack.query(query, variables, { token });
    expect(first.status).toBe(200);
    expect((first.body.data?.['citizen'] as Record<string, unknown> | undefined)?.['fullName']).toBeTruthy();
    expect(first.body.data?.['enterprise']).toBeNull();
    expect(first.body.errors?.map((e) => e.extensions?.['code'])).toEqual(['UPSTREAM_UNAVAILABLE']);
    // Three attempts of one idempotent batch read: the breaker's threshold, so it is now open.
    expect(stack.upstreamRequests().business).toBe(3);

    stack.resetUpstreamCounts();
    const whileOpen = await stack.query(query, variables, { token });
    expect(whileOpen.body.data?.['enterprise']).toBeNull();
    expect(whileOpen.body.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(stack.upstreamRequests().business).toBe(0);
    const degraded = await readiness('business');
    expect(degraded.status).toBe(200);
    expect(degraded.body.checks['upstream']).toEqual({ ok: false, degraded: true, detail: 'circuit open' });
    const metrics = await (await fetch(`${stack.subgraphs.business.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/lienthong_upstream_circuit_state\{source="business"[^}]*\} 2/);

    stack.mocks.business.setFaults({ errorRate: 0 });
    await sleep(HALF_OPEN_AFTER_MS + 50);
    stack.resetUpstreamCounts();
    const recovered = await stack.query(query, variables, { token });
    expect(recovered.body.errors).toBeUndefined();
    expect(
      (recovered.body.data?.['enterprise'] as Record<string, unknown> | undefined)?.['name'],
    ).toBeTruthy();
    expect(stack.upstreamRequests().business).toBe(1);
    expect((await readiness('business')).body.checks['upstream']).toMatchObject({ ok: true });
  });
});
