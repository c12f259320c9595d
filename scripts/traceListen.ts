// A trace listener for trying tracing without a collector: `npm run -s trace-listen` accepts OTLP/HTTP
// on 127.0.0.1:4318 (OTLP_LISTEN_PORT) and prints one line per span received over http/json.
import { startOtlpReceiver } from '../tests/support/otlpReceiver.ts';

const port = Number(process.env['OTLP_LISTEN_PORT'] ?? 4318);
const receiver = await startOtlpReceiver({
  port,
  onBody: (body, spans) => {
    if (!body.contentType.includes('json')) {
      process.stdout.write(
        `(${body.bytes.length} bytes of protobuf: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json to read spans here)\n`,
      );
    }
    for (const span of spans) {
      const parent = span.parentSpanId || '-'.repeat(16);
      process.stdout.write(
        `trace ${span.traceId} span ${span.spanId} parent ${parent}  ${span.service.padEnd(30)} ${span.name}\n`,
      );
    }
  },
});
process.stdout.write(`listening for OTLP/HTTP traces on ${receiver.url}\n`);
const stop = async () => {
  await receiver[Symbol.asyncDispose]();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
