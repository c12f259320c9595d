// withSpan and the propagator with the SDK started, in a process of its own (vitest isolates files):
// spans reach an OTLP/HTTP receiver with their attributes, and a failure is marked without its message.
import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from '../tests/support/otlpReceiver.ts';
import { startTracing, type Tracing, tracingEnabled, withSpan } from './tracing.ts';

describe('tracing on', () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  const saved = { ...process.env };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    // The SDK reads its settings from process.env itself.
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = receiver.url;
    process.env['OTEL_EXPORTER_OTLP_PROTOCOL'] = 'http/json';
    delete process.env['OTEL_PROPAGATORS'];
    tracing = await startTracing('lienthong-unit');
  });

  afterAll(async () => {
    process.env = saved;
    await receiver[Symbol.asyncDispose]();
  });

  it('propagates traceparent and tracestate, and not the caller-controlled baggage', () => {
    expect(tracing.enabled).toBe(true);
    expect(tracingEnabled()).toBe(true);
    expect(propagation.fields().sort()).toEqual(['traceparent', 'tracestate']);
  });

  it('exports nested spans with their attributes, and a failure with its code but not its message', async () => {
    await withSpan(
      'outer',
      async () => {
        expect(trace.getSpan(context.active())?.isRecording()).toBe(true);
        await withSpan('inner', async () => 'ok', { 'lienthong.cache.keys': 3 });
        await expect(
          withSpan('failing', async () => {
            throw Object.assign(new Error('citizen 092082031521 not found'), {
              extensions: { code: 'BAD_USER_INPUT' },
            });
          }),
        ).rejects.toThrow('not found');
      },
      { 'lienthong.source': 'population' },
    );
    await tracing.around({ [Symbol.asyncDispose]: async () => {} })[Symbol.asyncDispose]();
    expect(tracingEnabled()).toBe(false);

    const spans = receiver.spans();
    const byName = new Map(spans.map((s) => [s.name, s]));
    expect([...byName.keys()].sort()).toEqual(['failing', 'inner', 'outer']);
    const outer = byName.get('outer')!;
    expect(outer.service).toBe('lienthong-unit');
    expect(outer.attributes).toEqual({ 'lienthong.source': 'population' });
    expect(byName.get('inner')).toMatchObject({
      parentSpanId: outer.spanId,
      attributes: { 'lienthong.cache.keys': 3 },
    });
    const failing = byName.get('failing')!;
    expect(failing.parentSpanId).toBe(outer.spanId);
    expect(failing.attributes).toEqual({ 'error.type': 'BAD_USER_INPUT' });
    expect(failing.raw).toContain('"status":{"code":2}');
    expect(failing.raw).not.toContain('092082031521');
  });
});
