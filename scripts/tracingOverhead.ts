// What tracing costs a request path: `node scripts/tracingOverhead.ts`. Times a span-wrapped async step
// three ways in one process — called directly (tracing not installed), through withSpan with tracing
// off, and through withSpan with the SDK started and exporting to a local OTLP/HTTP sink — in
// alternating rounds, and prints the median nanoseconds per step. A gateway request makes about
// sixteen spans, so sixteen times the difference is the cost per request. With tracing on, spans beyond the
// batch processor's queue (2048 by default) are dropped rather than sent, as in production under a burst.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTracing, withSpan } from '../lib/tracing.ts';

const STEPS = 200_000;
const ROUNDS = 7;

const step = async (n: number) => n + 1;

async function timeDirect(): Promise<number> {
  const started = process.hrtime.bigint();
  let n = 0;
  for (let i = 0; i < STEPS; i++) n = await step(n);
  return Number(process.hrtime.bigint() - started) / STEPS;
}

async function timeWithSpan(): Promise<number> {
  const started = process.hrtime.bigint();
  let n = 0;
  for (let i = 0; i < STEPS; i++) n = await withSpan('bench.step', () => step(n), { 'lienthong.step': 1 });
  return Number(process.hrtime.bigint() - started) / STEPS;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function compare(label: string): Promise<{ direct: number; traced: number }> {
  const direct: number[] = [];
  const traced: number[] = [];
  await timeDirect();
  await timeWithSpan();
  for (let round = 0; round < ROUNDS; round++) {
    direct.push(await timeDirect());
    traced.push(await timeWithSpan());
  }
  const result = { direct: median(direct), traced: median(traced) };
  process.stdout.write(
    `${label}: direct ${result.direct.toFixed(0)} ns/step, withSpan ${result.traced.toFixed(0)} ns/step, ` +
      `difference ${(result.traced - result.direct).toFixed(0)} ns/step\n`,
  );
  return result;
}

await compare('tracing off (no endpoint)');

// A sink that accepts every export, so the SDK does its full work (batching, encoding, sending).
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
// The SDK reads its settings from process.env itself.
process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
process.env['OTEL_EXPORTER_OTLP_PROTOCOL'] ??= 'http/protobuf';
const tracing = await startTracing('lienthong-bench');
await compare(`tracing on (${process.env['OTEL_EXPORTER_OTLP_PROTOCOL']}, all sampled)`);
await tracing.around({ [Symbol.asyncDispose]: async () => {} })[Symbol.asyncDispose]();
sink.closeAllConnections();
sink.close();
