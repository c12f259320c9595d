// A stand-in gateway for the crash test: the real audit store on PGlite, run by the gateway's own process
// lifecycle (lib/main.ts: SIGTERM drains, then closes the store), with appends, group commits and
// checkpoints going on all the time. It prints `ready` once the store is open, then `ack <request id>`
// for each append the store acknowledged, before it would have "responded": every acknowledged id must
// survive whatever kills the process.
// Usage: node auditCrashWriter.ts <private-jwk-file> <data-dir> <writer-name>
import { createAuditStore } from '../../gateway/src/audit/index.ts';
import { loadSigningKey } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';
import { runMain } from '../../lib/main.ts';

/** Requests in flight at once, as on a busy gateway: they share group-commit batches. */
const CONCURRENCY = 6;

const [keyFile, dataDir, writer] = process.argv.slice(2);

await runMain('audit-crash-writer', async () => {
  const store = await createAuditStore({
    dataDir,
    checkpointKey: await loadSigningKey(keyFile!),
    // Checkpoints after a handful of records and every few milliseconds, so a kill often lands in one.
    checkpointEvery: 5,
    checkpointIntervalMs: 10,
    maxBatch: 4,
    logger: silentLogger(),
  });
  let stopping = false;
  let next = 0;
  const request = async () => {
    while (!stopping) {
      const requestId = `${writer}-${next++}`;
      const committed = await store
        .append({
          requestId,
          clientId: writer!,
          operationHash: '0'.repeat(64),
          fields: ['Citizen.fullName'],
          denied: [],
          subjects: ['001099000001'],
          sources: ['population'],
          outcome: 'ok',
          durationMs: 1,
        })
        // Refused (timed out under load, or the store closing): not acknowledged, so nothing is owed.
        .then(
          () => true,
          () => false,
        );
      // On Linux a write to a pipe is synchronous: once this returns, the test has the id.
      if (committed) process.stdout.write(`ack ${requestId}\n`);
      // As a gateway between requests: other events (a signal among them) get their turn. The embedded
      // store can answer without a macrotask, and a loop of nothing but appends would never yield.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const requests = Array.from({ length: CONCURRENCY }, request);
  process.stdout.write('ready\n');
  return {
    // As the gateway: in-flight requests finish (their records are committed), then the store closes.
    async [Symbol.asyncDispose]() {
      stopping = true;
      await Promise.allSettled(requests);
      await store[Symbol.asyncDispose]();
    },
  };
});
