import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { redactPath, startTracing, tracingEnabled, withSpan } from './tracing.ts';

describe('startTracing', () => {
  it('stays off without an OTLP endpoint, whatever else is set', async () => {
    const tracing = await startTracing('lienthong-test', {
      OTEL_SERVICE_NAME: 'x',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    expect(tracing.enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
  });

  it('stays off when OTEL_SDK_DISABLED is true, even with an endpoint', async () => {
    const tracing = await startTracing('lienthong-test', {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_SDK_DISABLED: 'true',
    });
    expect(tracing.enabled).toBe(false);
  });

  it('refuses an endpoint that is not a URL and an unknown protocol, naming both variables', async () => {
    const attempt = startTracing('lienthong-test', {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/xml',
    });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    const problems = ((await attempt.catch((e: unknown) => e)) as ConfigError).problems;
    expect(problems.map((p) => p.split(':', 1)[0])).toEqual([
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    ]);
    expect(tracingEnabled()).toBe(false);
  });

  it('loads neither the SDK nor the API when off, serving and spanning included', async () => {
    const root = join(import.meta.dirname, '..');
    // A process of its own: CommonJS modules loaded through import land in require.cache.
    const script = `
      import { createRequire } from 'node:module';
      const { startTracing, withSpan } = await import('./lib/tracing.ts');
      const { startServiceServer } = await import('./lib/httpServer.ts');
      await startTracing('lienthong-test');
      const server = await startServiceServer({ name: 't', port: 0, logger: (await import('./lib/logger.ts')).silentLogger(),
        registry: { metrics: async () => '', contentType: 'text/plain' },
        handler: (req, res) => withSpan('s', () => { res.end('ok'); return true; }) });
      await (await fetch(server.url + '/x')).text();
      await server.close();
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@opentelemetry'));
      process.stdout.write(JSON.stringify(loaded));`;
    const { stdout } = await promisify(execFile)(
      join(root, 'node_modules', '.bin', 'node'),
      ['--input-type=module', '-e', script],
      { cwd: root, env: { PATH: process.env['PATH'] ?? '' } },
    );
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it('hands a component back unchanged when off', async () => {
    const component = { [Symbol.asyncDispose]: async () => {} };
    expect((await startTracing('lienthong-test', {})).around(component)).toBe(component);
  });
});

describe('withSpan with tracing off', () => {
  it('returns what the function returns, sync or async, and passes throws and rejections through', async () => {
    expect(withSpan('s', () => 42)).toBe(42);
    await expect(withSpan('s', async () => 'done')).resolves.toBe('done');
    expect(() =>
      withSpan('s', () => {
        throw new RangeError('boom');
      }),
    ).toThrow(RangeError);
    await expect(withSpan('s', async () => Promise.reject(new TypeError('x')))).rejects.toBeInstanceOf(
      TypeError,
    );
  });

  it('gives the function no span', () => {
    expect(withSpan('s', (span) => span)).toBeUndefined();
  });
});

describe('redactPath', () => {
  it('keeps route words and drops the query string', () => {
    expect(redactPath('/api/v1/cong-dan/tra-cuu?x=1')).toBe('/api/v1/cong-dan/tra-cuu');
    expect(redactPath('/graphql?query={citizen(id:"092082031521"){id}}')).toBe('/graphql');
  });

  it('replaces segments that hold an identifier or a code', () => {
    expect(redactPath('/api/v1/ket-qua/KS-92-2009-174393/thu-hoi')).toBe('/api/v1/ket-qua/{id}/thu-hoi');
    expect(redactPath('/api/v1/cong-dan/092082031521')).toBe('/api/v1/cong-dan/{id}');
    expect(redactPath('/land/TR317207')).toBe('/land/{id}');
    expect(redactPath(`/x/${'a'.repeat(80)}`)).toBe('/x/{id}');
  });
});
