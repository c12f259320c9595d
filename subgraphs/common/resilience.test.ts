import { setTimeout as sleep } from 'node:timers/promises';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { createMetrics, type Metrics } from '../../lib/metrics.ts';
import { createSourceResilience, isSourceFailure, retryDelay, type SourceResilience } from './resilience.ts';
import {
  createUpstreamClient,
  parseRetryAfter,
  type UpstreamClient,
  UpstreamError,
} from './upstreamClient.ts';

const ORIGIN = 'http://upstream.test';

describe('an upstream client with retries and a circuit breaker', () => {
  let agent: MockAgent;
  let metrics: Metrics;
  let resilience: SourceResilience;
  let client: UpstreamClient;

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    metrics = createMetrics('test');
    resilience = createSourceResilience({
      source: 'population',
      metrics,
      logger: silentLogger(),
      options: { baseDelayMs: 1, breakerThreshold: 3, halfOpenAfterMs: 100 },
    });
    client = createUpstreamClient({
      source: 'population',
      baseUrl: ORIGIN,
      apiKey: 'k',
      timeoutMs: 1_000,
      dispatcher: agent,
      metrics,
      logger: silentLogger(),
      resilience,
    });
  });
  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  const pool = () => agent.get(ORIGIN);
  const metric = async (name: string) =>
    (await metrics.registry.getSingleMetric(name)?.get())?.values.find(
      (v) => v.labels['source'] === 'population',
    )?.value ?? 0;

  it('retries a batch read after a 503 and answers with the second attempt', async () => {
    pool().intercept({ path: '/api/x', method: 'POST' }).reply(503, {});
    pool()
      .intercept({ path: '/api/x', method: 'POST' })
      .reply(200, { ketQua: [1] });
    await expect(client.postJson('/api/x', {}, { idempotent: true })).resolves.toEqual({ ketQua: [1] });
    expect(await metric('lienthong_upstream_retries_total')).toBe(1);
  });

  it('never retries a POST that is not declared idempotent', async () => {
    pool().intercept({ path: '/api/write', method: 'POST' }).reply(503, {});
    await expect(client.postJson('/api/write', {})).rejects.toMatchObject({ failure: 'status', status: 503 });
    expect(await metric('lienthong_upstream_retries_total')).toBe(0);
  });

  it('honours Retry-After when the deadline leaves room for it', async () => {
    pool()
      .intercept({ path: '/api/x', method: 'POST' })
      .reply(503, {}, { headers: { 'retry-after': '1' } });
    pool().intercept({ path: '/api/x', method: 'POST' }).reply(200, { ketQua: [] });
    const started = Date.now();
    const answer = await client.postJson('/api/x', {}, { idempotent: true, deadline: Date.now() + 5_000 });
    expect(answer).toEqual({ ketQua: [] });
    // Waited for the upstream's Retry-After rather than the 1 ms backoff.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('does not retry when Retry-After would outlast the deadline', async () => {
    pool()
      .intercept({ path: '/api/x', method: 'POST' })
      .reply(503, {}, { headers: { 'retry-after': '1' } });
    await expect(
      client.postJson('/api/x', {}, { idempotent: true, deadline: Date.now() + 300 }),
    ).rejects.toMatchObject({ failure: 'status', status: 503 });
    expect(await metric('lienthong_upstream_retries_total')).toBe(0);
  });

  it('does not retry a timeout: the attempt has already spent its budget', async () => {
    pool().intercept({ path: '/slow', method: 'GET' }).reply(200, {}).delay(2_000);
    // Cut by the gateway's deadline: neither retried nor held against the source.
    await expect(client.getJson('/slow', { deadline: Date.now() + 50 })).rejects.toMatchObject({
      failure: 'deadline',
    });
    expect(await metric('lienthong_upstream_retries_total')).toBe(0);
  });

  it("does not count calls cut by a client's deadline towards the circuit", async () => {
    for (let i = 0; i < 8; i++) {
      pool().intercept({ path: '/slow', method: 'GET' }).reply(200, {}).delay(2_000);
      await expect(client.getJson('/slow', { deadline: Date.now() + 20 })).rejects.toMatchObject({
        failure: 'deadline',
      });
    }
    pool().intercept({ path: '/ok', method: 'GET' }).reply(200, { ok: true });
    expect(await client.getJson('/ok')).toEqual({ ok: true });
  });

  it('opens after consecutive failures, fails fast without a request, and closes after a good probe', async () => {
    for (let i = 0; i < 3; i++) pool().intercept({ path: '/api/w', method: 'POST' }).reply(500, {});
    for (let i = 0; i < 3; i++) {
      await expect(client.postJson('/api/w', {})).rejects.toMatchObject({ failure: 'status' });
    }
    expect(resilience.phase()).toBe('open');
    expect(resilience.check()).toEqual({ ok: false, degraded: true, detail: 'circuit open' });
    // No interceptor is left: a request reaching the agent would fail as 'network', not 'circuit-open'.
    await expect(client.postJson('/api/w', {}, { idempotent: true })).rejects.toMatchObject({
      failure: 'circuit-open',
    });
    expect(await metric('lienthong_upstream_circuit_state')).toBe(2);
    expect(await metric('lienthong_upstream_circuit_rejections_total')).toBe(1);

    await sleep(120);
    pool().intercept({ path: '/api/w', method: 'POST' }).reply(200, { ketQua: [] });
    await expect(client.postJson('/api/w', {})).resolves.toEqual({ ketQua: [] });
    expect(resilience.phase()).toBe('closed');
    expect(await metric('lienthong_upstream_circuit_state')).toBe(0);
  });

  it('does not count client errors (4xx) towards opening the circuit', async () => {
    for (let i = 0; i < 4; i++) pool().intercept({ path: '/api/bad', method: 'POST' }).reply(400, {});
    for (let i = 0; i < 4; i++) await client.postJson('/api/bad', {}).catch(() => undefined);
    expect(resilience.phase()).toBe('closed');
  });
});

describe('retryDelay', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1_000 };
  it('retries refused connections and 429/502/503/504 with jittered exponential backoff', () => {
    const network = new UpstreamError('s', 'network');
    expect(retryDelay(network, 1, options, () => 0.5)).toBe(50);
    expect(retryDelay(network, 3, options, () => 0.5)).toBe(200);
    expect(retryDelay(network, 10, options, () => 0.999)).toBeLessThan(1_000);
    for (const status of [429, 502, 503, 504])
      expect(retryDelay(new UpstreamError('s', 'status', status), 1, options, () => 0)).toBe(0);
  });
  it('does not retry timeouts, malformed answers, other statuses or an open circuit', () => {
    for (const error of [
      new UpstreamError('s', 'timeout'),
      new UpstreamError('s', 'malformed'),
      new UpstreamError('s', 'status', 500),
      new UpstreamError('s', 'status', 400),
      new UpstreamError('s', 'circuit-open'),
      new Error('other'),
    ])
      expect(retryDelay(error, 1, options)).toBeUndefined();
  });
  it('waits for Retry-After, and gives up when it is longer than the longest wait', () => {
    expect(retryDelay(new UpstreamError('s', 'status', 503, 800), 1, options)).toBe(800);
    expect(retryDelay(new UpstreamError('s', 'status', 503, 5_000), 1, options)).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.UTC(2015, 9, 21, 7, 28, 0))).toBe(10_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('isSourceFailure', () => {
  it('counts outages, 5xx and 429, not client errors or rejections by the open circuit', () => {
    expect(isSourceFailure(new UpstreamError('s', 'timeout'))).toBe(true);
    expect(isSourceFailure(new UpstreamError('s', 'status', 503))).toBe(true);
    expect(isSourceFailure(new UpstreamError('s', 'status', 429))).toBe(true);
    expect(isSourceFailure(new UpstreamError('s', 'status', 404))).toBe(false);
    expect(isSourceFailure(new UpstreamError('s', 'circuit-open'))).toBe(false);
  });
});
