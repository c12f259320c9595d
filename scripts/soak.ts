// npm run soak -- --minutes N [--rate R] [--max-in-flight M]
// Runs the full stack as processes (mocks, five subgraphs, two gateway replicas) over a Redis and a
// PostgreSQL of its own, drives mixed traffic at a steady rate on loopback while a fault schedule
// stops and restarts Redis, slows one national database, makes another fail and restarts a gateway
// replica, with a witness polling the audit log throughout; then checks that every served request has
// exactly one audit record, that the witness accepted the last checkpoint over every record without an
// alarm, and that audit:verify --witness passes, and reports throughput, answers by code, latency and RSS over time (stdout and data/soak/).
// Exit 0 when the checks pass, 1 when they do not.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Source } from '../lib/topology.ts';
import {
  type SoakEnvironment,
  startSoakEnvironment,
  UPSTREAM_KEY,
  waitReady,
} from './soak/soakEnvironment.ts';
import { checkAudit, type RssSample, renderReport, rssMib } from './soak/soakReport.ts';
import { type Outcome, runTraffic } from './soak/soakTraffic.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '20' },
    'max-in-flight': { type: 'string', default: '64' },
  },
  strict: true,
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const maxInFlight = Number(values['max-in-flight']);
if (!(minutes > 0 && minutes <= 24 * 60) || !(rate > 0 && rate <= 2_000) || !(maxInFlight >= 1)) {
  process.stderr.write(
    'usage: npm run soak -- --minutes N (0 < N ≤ 1440) [--rate R (≤ 2000/s)] [--max-in-flight M]\n',
  );
  process.exit(64);
}
const durationMs = minutes * 60_000;
const log = (line: string) =>
  process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface Fault {
  /** Share of the duration at which it happens. */
  readonly at: number;
  readonly label: string;
  readonly run: (env: SoakEnvironment) => Promise<void>;
}

async function setMockFaults(env: SoakEnvironment, source: Source, faults: Record<string, number>) {
  const response = await fetch(`${env.mockUrls[source]}/__admin/faults`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${UPSTREAM_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (!response.ok) throw new Error(`setting faults on the ${source} mock failed: HTTP ${response.status}`);
}

const SCHEDULE: readonly Fault[] = [
  { at: 0.2, label: 'Redis stopped', run: (env) => env.redis.stop() },
  { at: 0.3, label: 'Redis started again (empty)', run: (env) => env.redis.start() },
  {
    at: 0.4,
    label: 'population database slowed: +400 ms (±200) per request',
    run: (env) => setMockFaults(env, 'population', { delayMs: 400, jitterMs: 200 }),
  },
  {
    at: 0.55,
    label: 'population database back to normal',
    run: (env) => setMockFaults(env, 'population', { delayMs: 0, jitterMs: 0 }),
  },
  {
    at: 0.6,
    label: 'insurance database answers every request with 503',
    run: (env) => setMockFaults(env, 'insurance', { errorRate: 1, errorStatus: 503 }),
  },
  {
    at: 0.7,
    label: 'insurance database recovers',
    run: (env) => setMockFaults(env, 'insurance', { errorRate: 0 }),
  },
  {
    at: 0.8,
    label: 'gateway-b restarted (SIGTERM: drains and seals its audit log, then starts again)',
    run: async (env) => {
      await env.gateways[1]!.stop();
      await env.gateways[1]!.start();
      await waitReady(`${env.gatewayUrls[1]}/readyz`);
    },
  },
];

async function main(): Promise<number> {
  log('starting the stack');
  await using env = await startSoakEnvironment(log);
  log(`stack ready: gateways ${env.gatewayUrls.join(', ')}; logs in ${env.dir}`);
  const outcomes: Outcome[] = [];
  const rss: RssSample[] = [];
  const faultLog: string[] = [];
  const started = Date.now();
  const sampleEveryMs = Math.min(10_000, Math.max(1_000, durationMs / 60));
  let sampling = true;
  // Client tokens live 15 minutes: the witness's is renewed every 5.
  const renewing = setInterval(() => void env.renewWitnessToken().catch(() => {}), 5 * 60_000);
  const sampler = (async () => {
    while (sampling) {
      const mib: Record<string, number> = {};
      for (const p of env.processes) {
        const value = await rssMib(p.pid());
        if (value !== undefined) mib[p.name] = value;
      }
      rss.push({ at: (Date.now() - started) / 1000, mib });
      await sleep(sampleEveryMs);
    }
  })();
  const faults = (async () => {
    for (const fault of SCHEDULE) {
      const wait = started + fault.at * durationMs - Date.now();
      if (wait > 0) await sleep(wait);
      const at = ((Date.now() - started) / 1000).toFixed(0);
      log(`fault: ${fault.label}`);
      try {
        await fault.run(env);
        faultLog.push(`${at} s: ${fault.label}`);
      } catch (error) {
        faultLog.push(`${at} s: ${fault.label} — FAILED (${(error as Error).message})`);
      }
    }
  })();
  let lastReport = Date.now();
  const { skipped } = await runTraffic({
    gatewayUrls: env.gatewayUrls,
    clientKey: env.clientKey,
    rate,
    durationMs,
    maxInFlight,
    onOutcome: (outcome) => {
      outcomes.push(outcome);
      if (Date.now() - lastReport > 30_000) {
        lastReport = Date.now();
        log(`${outcomes.length} requests, ${(outcome.at / 60).toFixed(1)} min`);
      }
    },
  });
  await faults;
  sampling = false;
  clearInterval(renewing);
  await sampler;
  log('traffic done; checking the audit log');
  // Let the audit stores' group commits settle before counting.
  await sleep(2_000);
  const audit = await checkAudit(env.databaseUrl, env.auditJwksFile, env.witnessDir, outcomes);
  const command = `npm run soak -- --minutes ${minutes} --rate ${rate}`;
  const report = renderReport({
    command,
    minutes,
    rate,
    outcomes,
    skipped,
    rss,
    faults: faultLog,
    audit,
    steadyProcess: 'gateway-a',
    warmupSeconds: Math.round((durationMs / 1000) * 0.15),
  });
  const dir = join(process.cwd(), 'data', 'soak');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `soak-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
  await writeFile(file, `${report.text}\n`);
  process.stdout.write(`${report.text}\n\nReport written to ${file}\n`);
  return report.passed ? 0 : 1;
}

process.exitCode = await main().catch((error: unknown) => {
  log(`soak failed: ${(error as Error).stack ?? String(error)}`);
  return 2;
});
