// The load generator: a list of prepared requests sent in order (wrapping around) over one keep-alive
// undici pool, either closed-loop (N connections, each sends its next request when the last one is
// answered: the throughput a gateway reaches) or open-loop (a constant arrival rate: request i is due
// at start + i / rate whatever the answers so far). Open-loop latency runs from the request's intended
// send time, not from when a connection was free to send it, so a stalled server is charged for every
// request it kept waiting (no coordinated omission). Latencies go into an HDR histogram (µs, 3
// significant digits).
import { setTimeout as sleep } from 'node:timers/promises';
import * as hdr from 'hdr-histogram-js';
import { Pool } from 'undici';

export type PreparedRequest =
  | { readonly headers: Readonly<Record<string, string>>; readonly body: string }
  /** The work of a request done without a gateway: stages of subgraph requests, each stage in parallel. */
  | { readonly stages: readonly (readonly SubgraphCall[])[] };

export interface SubgraphCall {
  readonly url: string;
  /** Headers at send time (tokens are re-signed while the run goes on). */
  readonly headers: () => Readonly<Record<string, string>>;
  readonly body: string;
}

export interface LoadOptions {
  readonly url: string;
  readonly requests: readonly PreparedRequest[];
  readonly mode: 'closed' | 'open';
  /** Closed: concurrent requests. Open: the most connections the pool may open. */
  readonly connections: number;
  /** Open loop: requests per second. */
  readonly rate?: number;
  readonly durationSeconds: number;
  /** Index of the first request to send (the list wraps around). */
  readonly offset?: number;
  /** How long requests still unanswered at the end may take before they count as timeouts. */
  readonly drainSeconds?: number;
}

export interface LoadResult {
  readonly mode: 'closed' | 'open';
  /** Open loop: the rate asked for. */
  readonly targetRate?: number;
  readonly sent: number;
  /** Answered with 2xx and no GraphQL `errors`. */
  readonly ok: number;
  /** Answered with 2xx and a GraphQL `errors` entry (not-found writes, refusals): the workload's own share. */
  readonly graphqlErrors: number;
  /** The first error's `extensions.code` of those answers, counted (what the share is made of). */
  readonly graphqlErrorCodes: Readonly<Record<string, number>>;
  readonly non2xx: number;
  /** Connection failures. */
  readonly errors: number;
  /** Not answered within the drain time after the run. */
  readonly timeouts: number;
  readonly durationSeconds: number;
  /** Answered requests (2xx) per second of the run. */
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly bytesPerResponse: number;
  /** Where the next run should start to send requests not sent yet. */
  readonly nextOffset: number;
}

const ERRORS_KEY = Buffer.from('"errors"');

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.requests.length === 0) throw new Error('runLoad: no requests');
  if (options.mode === 'open' && !(options.rate && options.rate > 0))
    throw new Error('runLoad: open loop needs a rate above 0');
  const url = new URL(options.url);
  const drainMs = (options.drainSeconds ?? 30) * 1000;
  const pool = new Pool(url.origin, {
    connections: options.connections,
    pipelining: 1,
    headersTimeout: drainMs,
    bodyTimeout: drainMs,
  });
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  // Pools of their own for the subgraphs a direct request calls.
  const pools = new Map<string, Pool>([[url.origin, pool]]);
  const poolFor = (origin: string) => {
    let found = pools.get(origin);
    if (!found) {
      found = new Pool(origin, {
        connections: options.connections,
        pipelining: 1,
        headersTimeout: drainMs,
        bodyTimeout: drainMs,
      });
      pools.set(origin, found);
    }
    return found;
  };
  const offset = options.offset ?? 0;
  let sent = 0;
  let ok = 0;
  let graphqlErrors = 0;
  const graphqlErrorCodes: Record<string, number> = {};
  let non2xx = 0;
  let errors = 0;
  let bytes = 0;
  let answered = 0;
  const record = (fromMs: number) =>
    histogram.recordValue(Math.max(1, Math.round((performance.now() - fromMs) * 1000)));

  /** Sends the next request; `from` is when its latency starts (intended send time in open loop). */
  const send = async (from: number): Promise<void> => {
    const request = options.requests[(offset + sent++) % options.requests.length]!;
    try {
      const { statusCode, body } =
        'stages' in request
          ? await direct(request.stages, poolFor)
          : await post(pool, url.pathname + url.search, request.headers, request.body);
      record(from);
      answered++;
      bytes += body.length;
      if (statusCode < 200 || statusCode >= 300) non2xx++;
      else if (body.includes(ERRORS_KEY)) {
        graphqlErrors++;
        const code = firstErrorCode(body);
        graphqlErrorCodes[code] = (graphqlErrorCodes[code] ?? 0) + 1;
      } else ok++;
    } catch {
      record(from);
      errors++;
    }
  };

  const started = performance.now();
  const endAt = started + options.durationSeconds * 1000;
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  if (options.mode === 'closed') {
    const worker = async () => {
      while (performance.now() < endAt) await send(performance.now());
    };
    for (let i = 0; i < options.connections; i++) track(worker());
    // Closed loop: the run lasts until the last request sent before the end is answered.
    await Promise.race([Promise.all(inFlight), deadline(options.durationSeconds * 1000 + drainMs)]);
  } else {
    const interval = 1000 / (options.rate ?? 1);
    let due = 0;
    for (;;) {
      const now = performance.now();
      if (now >= endAt) break;
      // Every request whose time has come goes now, however many are still unanswered.
      while (started + due * interval <= now) {
        track(send(started + due * interval));
        due++;
      }
      await sleep(Math.max(0, Math.min(started + due * interval, endAt) - performance.now()));
    }
  }
  const runSeconds = (Math.max(performance.now(), endAt) - started) / 1000;
  const drained = await Promise.race([
    Promise.all(inFlight).then(() => true),
    deadline(drainMs).then(() => false),
  ]);
  const timeouts = drained ? 0 : sent - answered - errors;
  for (let i = 0; i < timeouts; i++) histogram.recordValue(drainMs * 1000);
  await Promise.all([...pools.values()].map((p) => p.destroy()));
  const ms = (p: number) => round(histogram.getValueAtPercentile(p) / 1000);
  const result: LoadResult = {
    mode: options.mode,
    ...(options.mode === 'open' ? { targetRate: options.rate } : {}),
    sent,
    ok,
    graphqlErrors,
    graphqlErrorCodes,
    non2xx,
    errors,
    timeouts,
    durationSeconds: round(runSeconds),
    requestsPerSecond: round((ok + graphqlErrors) / runSeconds),
    p50Ms: ms(50),
    p90Ms: ms(90),
    p99Ms: ms(99),
    maxMs: round(histogram.maxValue / 1000),
    bytesPerResponse: answered > 0 ? Math.round(bytes / answered) : 0,
    nextOffset: (offset + sent) % options.requests.length,
  };
  histogram.destroy();
  return result;
}

async function post(
  pool: Pool,
  path: string,
  headers: Readonly<Record<string, string>>,
  body: string,
): Promise<{ statusCode: number; body: Buffer }> {
  const response = await pool.request({ path, method: 'POST', headers, body });
  return { statusCode: response.statusCode, body: Buffer.from(await response.body.arrayBuffer()) };
}

/** Each stage's calls at once, stages one after the other; the worst status and every body. */
async function direct(
  stages: readonly (readonly SubgraphCall[])[],
  poolFor: (origin: string) => Pool,
): Promise<{ statusCode: number; body: Buffer }> {
  let statusCode = 200;
  const bodies: Buffer[] = [];
  for (const stage of stages) {
    const answers = await Promise.all(
      stage.map((call) => {
        const target = new URL(call.url);
        return post(poolFor(target.origin), target.pathname, call.headers(), call.body);
      }),
    );
    for (const answer of answers) {
      if (answer.statusCode > statusCode) statusCode = answer.statusCode;
      bodies.push(answer.body);
    }
  }
  // The body with an error, if any, so that its code is counted like a gateway's.
  return { statusCode, body: bodies.find((b) => b.includes(ERRORS_KEY)) ?? Buffer.concat(bodies) };
}

function firstErrorCode(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString()) as { errors?: { extensions?: { code?: unknown } }[] };
    const code = parsed.errors?.[0]?.extensions?.code;
    return typeof code === 'string' ? code : 'no code';
  } catch {
    return 'not JSON';
  }
}

/** A timer that does not keep the process alive once everything else is done. */
const deadline = (ms: number) => sleep(ms, undefined, { ref: false });

const round = (n: number) => Math.round(n * 100) / 100;
