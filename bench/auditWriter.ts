// One audit writer of the append-rate run (bench/auditAppend.ts): a process holding an audit store on
// the run's PostgreSQL database, as a gateway replica does, appending the records of a day's requests
// with many in flight at once. It prints `ready` once its store is open, starts on a line on stdin,
// and prints one JSON line: the appends committed inside the measured window and its CPU time. All
// writers sign checkpoints with the one audit key they are given (BENCH_AUDIT_JWK), as replicas do.
//   node bench/auditWriter.ts <database url> <warmup s> <measured s> <in flight> <name>
import { createInterface } from 'node:readline';
import { createAuditStore } from '../gateway/src/audit/createAuditStore.ts';
import type { AuditRecordInput } from '../gateway/src/audit/types.ts';
import { signingKeyFromJwk } from '../lib/keys.ts';
import { silentLogger } from '../lib/logger.ts';
import { Rng } from '../mocks/data/hash.ts';
import { sampleCitizenIds } from '../mocks/data/samples.ts';

const [databaseUrl, warmupArg, secondsArg, inFlightArg, name] = process.argv.slice(2);
if (!databaseUrl || !name)
  throw new Error('usage: auditWriter.ts <url> <warmup s> <measured s> <in flight> <name>');
const warmupMs = Number(warmupArg) * 1_000;
const measuredMs = Number(secondsArg) * 1_000;
const inFlight = Number(inFlightArg);

const PROFILE_FIELDS = [
  'Query.citizen',
  'Citizen.fullName',
  'Citizen.dateOfBirth',
  'Citizen.permanentResidence',
  'Citizen.household',
  'Household.members',
  'Citizen.spouse',
  'Citizen.insurance',
];
const rng = new Rng('bench-audit-writer', name);
const pool = sampleCitizenIds(5_000, `audit-writer-${name}`);

/** What a gateway records for one request of the day's mix: mostly one citizen, sometimes a batch. */
function nextRecord(n: number): AuditRecordInput {
  const batch = rng.int(100) < 8;
  const subjects = Array.from({ length: batch ? 5 + rng.int(16) : 1 + rng.int(3) }, () => rng.pick(pool)).map(
    (id) => `Citizen:${id}`,
  );
  return {
    requestId: `${name}-${n}`,
    clientId: `bench-client-${rng.int(4)}`,
    officer: `officer-${rng.int(50)}`,
    procedureCode: '1.004222',
    dossierId: `H31.BENCH-251201-${String(Math.floor(n / 4)).padStart(6, '0')}`,
    operationName: batch ? 'Batch' : 'Profile',
    operationHash: 'a'.repeat(64),
    fields: PROFILE_FIELDS,
    denied: [],
    subjects: [...new Set(subjects)],
    sources: ['population', 'insurance'],
    outcome: 'ok',
    durationMs: 3.25,
    tokenId: `jti-${n}`,
  };
}

const store = await createAuditStore({
  databaseUrl,
  checkpointKey: await signingKeyFromJwk(JSON.parse(process.env['BENCH_AUDIT_JWK'] ?? 'null')),
  logger: silentLogger(),
});
process.stdout.write('ready\n');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));

const start = performance.now();
const measureFrom = start + warmupMs;
const measureTo = measureFrom + measuredMs;
let counted = 0;
let failed = 0;
let sent = 0;
let cpuFrom = process.cpuUsage();
let cpuTo: NodeJS.CpuUsage | undefined;
const loop = async () => {
  while (performance.now() < measureTo) {
    try {
      await store.append(nextRecord(sent++));
      const now = performance.now();
      if (now >= measureFrom && now < measureTo) counted++;
    } catch {
      failed++;
    }
  }
};
setTimeout(() => {
  cpuFrom = process.cpuUsage();
}, warmupMs);
setTimeout(() => {
  cpuTo = process.cpuUsage(cpuFrom);
}, warmupMs + measuredMs);
await Promise.all(Array.from({ length: inFlight }, loop));
const cpu = cpuTo ?? process.cpuUsage(cpuFrom);
await store[Symbol.asyncDispose]();
process.stdout.write(
  `${JSON.stringify({ appended: counted, failed, seconds: measuredMs / 1_000, cpuMs: (cpu.user + cpu.system) / 1_000 })}\n`,
);
