// A stand-in gateway process for the concurrency test: opens the audit store on DATABASE_URL (running
// the migrations, possibly at the same moment as another process) and appends records concurrently.
// Usage: node auditWriterProcess.ts <private-jwk-file> <writer-name> <count>
import { createAuditStore } from '../../gateway/src/audit/index.ts';
import { loadSigningKey } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';

const [keyFile, writer, countText] = process.argv.slice(2);
const store = await createAuditStore({
  databaseUrl: process.env['DATABASE_URL'],
  checkpointKey: await loadSigningKey(keyFile!),
  checkpointEvery: 50,
  checkpointIntervalMs: 0,
  maxBatch: 16,
  logger: silentLogger(),
});
try {
  const records = await Promise.all(
    Array.from({ length: Number(countText) }, (_, i) =>
      store.append({
        requestId: `${writer}-${i}`,
        clientId: writer!,
        operationHash: '0'.repeat(64),
        fields: ['Citizen.fullName'],
        denied: [],
        subjects: ['001099000001'],
        sources: ['population'],
        outcome: 'ok',
        durationMs: 1,
      }),
    ),
  );
  process.stdout.write(`${JSON.stringify(records.map((r) => r.seq))}\n`);
} finally {
  await store[Symbol.asyncDispose]();
}
