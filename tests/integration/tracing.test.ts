// Tracing end to end (DESIGN.md "Tracing"): a mock national database, its subgraph and the gateway as
// processes, exporting over OTLP/HTTP to a receiver in this test. One request with a client
// traceparent makes one trace across the three, parent links intact, and no span carries personal data.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk, signingKeyFromJwk, toJwks } from '../../lib/keys.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type OtlpReceiver, type OtlpSpan, startOtlpReceiver } from '../support/otlpReceiver.ts';
import { ALL_READS_PROCEDURE, TEST_AUDIENCE, TEST_DOSSIER, TEST_ISSUER } from '../support/stack.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const UPSTREAM_KEY = 'test-upstream-key';
const SERVER = 2;
const CLIENT = 3;

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
}

/** Starts `node <script>` with only the given environment and waits for its "listening" log line. */
async function startProcess(args: string[], env: Record<string, string>): Promise<Running> {
  const child = spawn(NODE, args, {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  // Read with a listener, never a for-await that would destroy the pipe the process still writes to.
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const found = /"url":"([^"]+)"[^\n]*listening/.exec(out)?.[1];
      if (found) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.off('exit', onExit);
        resolve(found);
      }
    };
    const onExit = (code: number | null) =>
      reject(new Error(`${args[0]} exited ${code} before listening: ${err.slice(0, 2000)}`));
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
  return { child, url };
}

async function stop(running: Running | undefined): Promise<number | null> {
  if (!running || running.child.exitCode !== null) return running?.child.exitCode ?? null;
  const exited = once(running.child, 'exit');
  running.child.kill('SIGTERM');
  return (await exited)[0] as number | null;
}

const CLIENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';

describe('tracing across gateway, subgraph and national database', () => {
  let dir: string;
  let receiver: OtlpReceiver;
  const running: Running[] = [];
  let answer: { status: number; body: { data?: { citizen?: { fullName?: string } } } };
  let exitCodes: (number | null)[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lienthong-tracing-'));
    receiver = await startOtlpReceiver();
    const clientKey = await signingKeyFromJwk(await generateSigningJwk('ES256', 'tracing-client'));
    const internalJwk = await generateSigningJwk('EdDSA', 'tracing-internal');
    const internalKey = await signingKeyFromJwk(internalJwk);
    const file = async (name: string, content: unknown) => {
      const path = join(dir, name);
      await writeFile(path, JSON.stringify(content));
      return path;
    };
    const otel = (protocol: string) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    });

    const mock = await startProcess(['mocks/main.ts', 'population'], {
      ...otel('http/json'),
      POPULATION_MOCK_PORT: '0',
      UPSTREAM_API_KEY: UPSTREAM_KEY,
    });
    running.push(mock);
    const subgraph = await startProcess(['subgraphs/population/main.ts'], {
      ...otel('http/json'),
      POPULATION_SUBGRAPH_PORT: '0',
      POPULATION_UPSTREAM_URL: mock.url,
      UPSTREAM_API_KEY: UPSTREAM_KEY,
      INTERNAL_JWKS_FILE: await file('internal.jwks.json', toJwks([internalKey.publicJwk])),
    });
    running.push(subgraph);
    const gateway = await startProcess(['gateway/src/main.ts'], {
      ...otel('http/json'),
      GATEWAY_PORT: '0',
      SUBGRAPH_URLS: `population=${subgraph.url}/graphql`,
      AUTH_JWKS_FILE: await file('client.jwks.json', toJwks([clientKey.publicJwk])),
      AUTH_ISSUER: TEST_ISSUER,
      AUTH_AUDIENCE: TEST_AUDIENCE,
      INTERNAL_SIGNING_KEY_FILE: await file('internal.jwk.json', internalJwk),
      ATTESTATION_KEY_FILE: await file('attestation.jwk.json', await generateSigningJwk('EdDSA', 'a')),
      AUDIT_KEY_FILE: await file('audit.jwk.json', await generateSigningJwk('EdDSA', 'b')),
      AUDIT_DATA_DIR: join(dir, 'audit'),
      // No one-stop system here: purpose is checked against the registry only.
      PURPOSE_VERIFICATION: 'declared',
    });
    running.push(gateway);

    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ scope: 'population:read' })
      .setProtectedHeader({ alg: clientKey.alg, kid: clientKey.kid, typ: 'at+jwt' })
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .setSubject('ubnd-cantho.motcua')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(clientKey.privateKey);
    // The identifier is a literal in the document, the way a careless client would send it.
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-procedure-code': ALL_READS_PROCEDURE,
        'x-dossier-id': TEST_DOSSIER,
        traceparent: `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`,
        tracestate: 'vendor=opaque',
      },
      body: JSON.stringify({
        query: `query Lookup { citizen(id: "${FIXTURES.husband}") { id fullName } }`,
      }),
    });
    answer = { status: response.status, body: await response.json() };
    // Stopping flushes each process's spans before it exits.
    exitCodes = [];
    for (const part of [...running].reverse()) exitCodes.push(await stop(part));
  }, 120_000);

  afterAll(async () => {
    for (const part of running) if (part.child.exitCode === null) part.child.kill('SIGKILL');
    await receiver?.[Symbol.asyncDispose]();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const spansOf = (service: string): OtlpSpan[] => receiver.spans().filter((s) => s.service === service);

  it('answers the request and every process exits cleanly after flushing', () => {
    expect(answer.status).toBe(200);
    expect(answer.body.data?.citizen?.fullName).toEqual(expect.any(String));
    expect(exitCodes).toEqual([0, 0, 0]);
    expect(receiver.bodies().every((b) => b.contentType.startsWith('application/json'))).toBe(true);
  });

  it('continues the client trace: the gateway server span is the child of the client span', () => {
    const server = spansOf('lienthong-gateway').find((s) => s.kind === SERVER && s.name === 'POST /graphql');
    expect(server).toBeDefined();
    expect(server!.traceId).toBe(CLIENT_TRACE_ID);
    expect(server!.parentSpanId).toBe(CLIENT_SPAN_ID);
  });

  it('puts the gateway, the subgraph and the mock in one trace with parent links intact', () => {
    // The subgraph's change-feed polls of its national database are traces of their own.
    const all = receiver.spans().filter((s) => s.traceId === CLIENT_TRACE_ID);
    const services = new Set(all.map((s) => s.service));
    expect(services).toEqual(
      new Set(['lienthong-gateway', 'lienthong-subgraph-population', 'lienthong-mock-population']),
    );
    const byId = new Map(all.map((s) => [s.spanId, s]));
    // Every span's parent was exported too, except the gateway's server span (its parent is the client's).
    const orphans = all.filter((s) => !byId.has(s.parentSpanId));
    expect(orphans.map((s) => [s.service, s.name])).toEqual([['lienthong-gateway', 'POST /graphql']]);

    const subgraphServer = spansOf('lienthong-subgraph-population').find((s) => s.kind === SERVER);
    const gatewayCall = byId.get(subgraphServer!.parentSpanId);
    expect(gatewayCall).toMatchObject({ service: 'lienthong-gateway', kind: CLIENT });
    expect(byId.get(gatewayCall!.parentSpanId)?.name).toBe('subgraph.fetch');

    const mockServer = spansOf('lienthong-mock-population').find((s) => s.kind === SERVER);
    expect(mockServer?.name).toBe('POST /api/v1/cong-dan/tra-cuu');
    const subgraphCall = byId.get(mockServer!.parentSpanId);
    expect(subgraphCall).toMatchObject({ service: 'lienthong-subgraph-population', kind: CLIENT });
    expect(byId.get(subgraphCall!.parentSpanId)?.name).toBe('upstream.batch');
    // The client's tracestate travels the whole way, untouched.
    expect(mockServer!.traceState).toBe('vendor=opaque');
  });

  it('has a span for each stage: token, pipeline, planning, subgraph fetch, cache read, upstream batch, audit, attestation', () => {
    const gatewayNames = new Set(spansOf('lienthong-gateway').map((s) => s.name));
    const stages = [
      'auth.token',
      'pipeline.limits',
      'pipeline.rateLimit',
      'pipeline.purpose',
      'pipeline.authorization',
      'gateway.validate',
      'gateway.plan',
      'gateway.fetch',
      'subgraph.fetch',
      'audit.commit',
      'attestation.sign',
    ];
    for (const name of stages) expect(gatewayNames).toContain(name);
    const subgraphNames = new Set(spansOf('lienthong-subgraph-population').map((s) => s.name));
    for (const name of ['cache.read', 'upstream.batch']) expect(subgraphNames).toContain(name);
    const batch = spansOf('lienthong-subgraph-population').find((s) => s.name === 'upstream.batch');
    expect(batch?.attributes).toMatchObject({ 'lienthong.source': 'population', 'lienthong.batch.keys': 1 });
  });

  it('leaks no identifier, name or dossier into any exported span or resource', () => {
    const secrets = [
      ...Object.values(FIXTURES).flat(),
      answer.body.data?.citizen?.fullName ?? 'no name answered',
      TEST_DOSSIER,
      'ubnd-cantho.motcua',
    ];
    const spans = receiver.spans();
    expect(spans.length).toBeGreaterThan(10);
    for (const span of spans) {
      for (const secret of secrets) expect(span.raw, `${span.service} ${span.name}`).not.toContain(secret);
    }
  });
});

describe('tracing with the http/protobuf protocol', () => {
  it('exports protobuf spans of the trace the caller started, without personal data', async () => {
    await using receiver = await startOtlpReceiver();
    const mock = await startProcess(['mocks/main.ts', 'population'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_SERVICE_NAME: 'population-db-replica',
      POPULATION_MOCK_PORT: '0',
      UPSTREAM_API_KEY: UPSTREAM_KEY,
    });
    try {
      const response = await fetch(`${mock.url}/api/v1/cong-dan/tra-cuu`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${UPSTREAM_KEY}`,
          traceparent: `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`,
        },
        body: JSON.stringify({ soDinhDanh: [FIXTURES.wife] }),
      });
      expect(response.status).toBe(200);
    } finally {
      expect(await stop(mock)).toBe(0);
    }
    const bodies = receiver.bodies();
    expect(bodies.length).toBeGreaterThan(0);
    expect(bodies.every((b) => b.contentType === 'application/x-protobuf')).toBe(true);
    const bytes = Buffer.concat(bodies.map((b) => b.bytes));
    // Protobuf carries ids as raw bytes and strings as UTF-8.
    expect(bytes.includes(Buffer.from(CLIENT_TRACE_ID, 'hex'))).toBe(true);
    expect(bytes.includes(Buffer.from('population-db-replica'))).toBe(true);
    expect(bytes.includes(Buffer.from(FIXTURES.wife))).toBe(false);
  }, 60_000);
});

describe('tracing switched off or misconfigured', () => {
  it('exports nothing and serves as usual', async () => {
    await using receiver = await startOtlpReceiver();
    // The receiver exists but is not named: OTEL_SERVICE_NAME alone must not switch exporting on.
    const mock = await startProcess(['mocks/main.ts', 'population'], {
      OTEL_SERVICE_NAME: 'population-db-replica',
      POPULATION_MOCK_PORT: '0',
      UPSTREAM_API_KEY: UPSTREAM_KEY,
    });
    try {
      const response = await fetch(`${mock.url}/api/v1/cong-dan/tra-cuu`, {
        method: 'POST',
        headers: { authorization: `Bearer ${UPSTREAM_KEY}` },
        body: JSON.stringify({ soDinhDanh: [FIXTURES.wife] }),
      });
      expect(response.status).toBe(200);
    } finally {
      expect(await stop(mock)).toBe(0);
    }
    expect(receiver.bodies()).toEqual([]);
  }, 60_000);

  it('honours OTEL_TRACES_SAMPLER: always_off exports no span while serving as usual', async () => {
    await using receiver = await startOtlpReceiver();
    const mock = await startProcess(['mocks/main.ts', 'population'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'always_off',
      POPULATION_MOCK_PORT: '0',
      UPSTREAM_API_KEY: UPSTREAM_KEY,
    });
    try {
      const response = await fetch(`${mock.url}/api/v1/cong-dan/tra-cuu`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${UPSTREAM_KEY}`,
          // Sampled by the caller: only the sampler setting can keep it out.
          traceparent: `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`,
        },
        body: JSON.stringify({ soDinhDanh: [FIXTURES.wife] }),
      });
      expect(response.status).toBe(200);
    } finally {
      expect(await stop(mock)).toBe(0);
    }
    expect(receiver.spans()).toEqual([]);
  }, 60_000);

  it('refuses a protocol the exporters do not speak, naming the variable', async () => {
    const child = spawn(NODE, ['mocks/main.ts', 'population'], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/xml',
        POPULATION_MOCK_PORT: '0',
        UPSTREAM_API_KEY: UPSTREAM_KEY,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(78);
    expect(stderr).toContain('OTEL_EXPORTER_OTLP_PROTOCOL');
  }, 60_000);
});
