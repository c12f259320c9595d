import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { createMetrics, type Metrics } from '../../lib/metrics.ts';
import {
  createUpstreamClient,
  effectiveTimeout,
  type UpstreamClient,
  UpstreamError,
} from './upstreamClient.ts';

const ORIGIN = 'http://upstream.test';

describe('createUpstreamClient', () => {
  let agent: MockAgent;
  let metrics: Metrics;
  let client: UpstreamClient;

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    metrics = createMetrics('test');
    client = createUpstreamClient({
      source: 'population',
      baseUrl: `${ORIGIN}/`,
      apiKey: 'secret-key',
      timeoutMs: 100,
      dispatcher: agent,
      metrics,
      logger: silentLogger(),
    });
  });

  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  const pool = () => agent.get(ORIGIN);
  const counted = async () => (await metrics.upstreamRequests.get()).values[0]?.value ?? 0;

  it('posts JSON with the credential and counts the request', async () => {
    pool()
      .intercept({
        path: '/api/v1/x',
        method: 'POST',
        headers: { authorization: 'Bearer secret-key', 'content-type': 'application/json' },
        body: JSON.stringify({ a: [1] }),
      })
      .reply(200, { ketQua: [1] });
    await expect(client.postJson('/api/v1/x', { a: [1] })).resolves.toEqual({ ketQua: [1] });
    expect(await counted()).toBe(1);
  });

  it("carries the gateway's request id on to the national database", async () => {
    pool()
      .intercept({ path: '/api/v1/x', method: 'POST', headers: { 'x-request-id': 'rid-0123456789' } })
      .reply(200, { ketQua: [] });
    await client.postJson('/api/v1/x', { a: [] }, { requestId: 'rid-0123456789' });
    pool()
      .intercept({
        path: '/api/v1/y',
        method: 'GET',
        headers: (headers) => !Object.keys(headers).some((name) => name.toLowerCase() === 'x-request-id'),
      })
      .reply(200, {});
    await client.getJson('/api/v1/y');
  });

  it('turns a 5xx into an UpstreamError that carries neither body nor host', async () => {
    pool().intercept({ path: '/api/v1/x', method: 'POST' }).reply(503, 'internal-db-host-7 overloaded');
    const error = await client.postJson('/api/v1/x', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ failure: 'status', status: 503 });
    expect((error as Error).message).not.toMatch(/internal-db-host|upstream\.test/);
  });

  it('cuts a slow answer at the timeout', async () => {
    pool().intercept({ path: '/slow', method: 'GET' }).reply(200, {}).delay(1000);
    await expect(client.getJson('/slow')).rejects.toMatchObject({ failure: 'timeout' });
  });

  it('cuts at the gateway deadline when it comes first', async () => {
    pool().intercept({ path: '/slow', method: 'GET' }).reply(200, {}).delay(1000);
    const started = Date.now();
    await expect(client.getJson('/slow', { deadline: Date.now() + 20 })).rejects.toMatchObject({
      failure: 'deadline',
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports a body that is not JSON as malformed', async () => {
    pool().intercept({ path: '/bad', method: 'GET' }).reply(200, '<html>');
    await expect(client.getJson('/bad')).rejects.toMatchObject({ failure: 'malformed' });
  });

  it('reports a connection failure as network', async () => {
    pool()
      .intercept({ path: '/down', method: 'GET' })
      .replyWithError(new Error('connect ECONNREFUSED 10.0.0.7:4101'));
    const error = await client.getJson('/down').catch((e: unknown) => e);
    expect(error).toMatchObject({ failure: 'network' });
    expect((error as Error).message).not.toContain('10.0.0.7');
  });
});

describe('effectiveTimeout', () => {
  it('is the configured timeout without a deadline, and the time left (at least 1 ms) with one', () => {
    expect(effectiveTimeout(2000, undefined)).toBe(2000);
    expect(effectiveTimeout(2000, 1500, 1000)).toBe(500);
    expect(effectiveTimeout(2000, 9000, 1000)).toBe(2000);
    expect(effectiveTimeout(2000, 500, 1000)).toBe(1);
  });
});
