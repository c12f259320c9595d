// The CPU one audit batch costs the writing process and PostgreSQL, batch after batch of one record
// each, as a gateway writes them at moderate load (a record arrives, is written and committed before
// the next). A fresh database on the local PostgreSQL (BENCH_POSTGRES_URL), one store as the gateway
// opens it; PostgreSQL's share is the CPU time of every `postgres` process over the run, so run it on
// an otherwise idle machine.   node bench/auditBatchCost.ts [batches, default 2000]
import { createAuditStore } from '../gateway/src/audit/createAuditStore.ts';
import type { AuditRecordInput } from '../gateway/src/audit/types.ts';
import { generateSigningJwk, signingKeyFromJwk } from '../lib/keys.ts';
import { silentLogger } from '../lib/logger.ts';
import { postgresMs } from './machineCpu.ts';
import { createAuditDatabase } from './runBench.ts';

const batches = Number(process.argv[2] ?? 2_000);
if (!Number.isInteger(batches) || batches < 1) {
  process.stderr.write('usage: node bench/auditBatchCost.ts [batches]\n');
  process.exit(64);
}

const database = await createAuditDatabase('batch_cost');
if (!database) {
  process.stderr.write('no PostgreSQL answers at BENCH_POSTGRES_URL (default 127.0.0.1:5432): start one\n');
  process.exit(1);
}

/** A profile read of two citizens, as the day's workload mostly records. */
const record = (n: number): AuditRecordInput => ({
  requestId: `batch-cost-${n}`,
  clientId: 'ubnd-cantho.motcua',
  officer: 'officer-1',
  procedureCode: '1.001193',
  dossierId: `H31.BENCH-251201-${String(n).padStart(6, '0')}`,
  operationName: 'Profile',
  operationHash: 'a'.repeat(64),
  fields: [
    'Query.citizen',
    'Citizen.fullName',
    'Citizen.dateOfBirth',
    'Citizen.household',
    'Household.members',
  ],
  denied: [],
  subjects: [
    `Citizen:0920800${String(n % 100_000).padStart(5, '0')}`,
    `Citizen:0921830${String(n % 100_000).padStart(5, '0')}`,
  ],
  sources: ['population'],
  outcome: 'ok',
  durationMs: 12.5,
});

try {
  const store = await createAuditStore({
    databaseUrl: database.url,
    logger: silentLogger(),
    checkpointKey: await signingKeyFromJwk(await generateSigningJwk('EdDSA')),
  });
  for (let i = 0; i < 200; i++) await store.append(record(i));
  const cpuBefore = process.cpuUsage();
  const postgresBefore = await postgresMs();
  const started = performance.now();
  for (let i = 0; i < batches; i++) await store.append(record(200 + i));
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const postgres = (await postgresMs()) - postgresBefore;
  await store[Symbol.asyncDispose]();
  const perBatchUs = (us: number) => Math.round(us / batches);
  process.stdout.write(
    `${JSON.stringify({
      batches,
      msPerBatch: Math.round((elapsed / batches) * 1000) / 1000,
      writerCpuUsPerBatch: perBatchUs(cpu.user + cpu.system),
      postgresCpuUsPerBatch: perBatchUs(postgres * 1000),
    })}\n`,
  );
} finally {
  await database.drop();
}
