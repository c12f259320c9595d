// The load generator, run as its own process so that it never shares a core's event loop with the
// gateway under test: autocannon at a fixed concurrency (closed loop) or at a fixed overall arrival
// rate, after a warm-up whose figures are thrown away. Prints one JSON line of results.
// argv[2]: JSON of LoadSpec.
import autocannon from 'autocannon';

export interface LoadSpec {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** Requests per second over all connections; absent: as fast as the server answers. */
  readonly overallRate?: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly durationSeconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly bytesPerResponse: number;
}

async function drive(spec: LoadSpec, seconds: number, record: boolean): Promise<LoadResult | undefined> {
  const latencies: number[] = [];
  let bytes = 0;
  const instance = autocannon({
    url: spec.url,
    method: 'POST',
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    duration: seconds,
    timeout: 30,
    ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
  });
  if (record) {
    instance.on('response', (_client: unknown, _status: number, resBytes: number, responseTime: number) => {
      latencies.push(responseTime);
      bytes += resBytes;
    });
  }
  const result = await instance;
  if (!record) return undefined;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  const completed = latencies.length;
  return {
    requests: completed,
    durationSeconds: result.duration,
    requestsPerSecond: round(
      result.non2xx === 0 ? completed / result.duration : result['2xx'] / result.duration,
    ),
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    maxMs: round(latencies.at(-1) ?? 0),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    bytesPerResponse: completed > 0 ? Math.round(bytes / completed) : 0,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
if (spec.warmupSeconds > 0) await drive(spec, spec.warmupSeconds, false);
const result = await drive(spec, spec.durationSeconds, true);
process.stdout.write(`${JSON.stringify(result)}\n`);
