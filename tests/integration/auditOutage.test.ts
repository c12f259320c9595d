// Fail closed: while the audit database is down or stalled, append rejects with AuditUnavailableError
// promptly (appendTimeoutMs is set far beyond the test's own timeout, so a rejection here can only come
// from the connection failing), and once the database is back, appends work and the chain is intact.
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditStoreOn, createAuditStore } from '../../gateway/src/audit/createAuditStore.ts';
import { AuditUnavailableError } from '../../gateway/src/audit/errors.ts';
import { openPostgresDatabase } from '../../gateway/src/audit/postgresDatabase.ts';
import { silentLogger } from '../../lib/logger.ts';
import { newKey, record } from '../support/audit/auditTestSupport.ts';
import { type OwnPostgres, startOwnPostgres } from '../support/ownPostgres.ts';

const NEVER = 10 * 60_000;
let server: OwnPostgres;
beforeAll(async () => {
  server = await startOwnPostgres();
});
afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
});

it('rejects appends while PostgreSQL is down and recovers when it is back', async () => {
  const store = await createAuditStore({
    databaseUrl: server.url,
    checkpointKey: await newKey('audit-outage'),
    checkpointIntervalMs: 0,
    appendTimeoutMs: NEVER,
    logger: silentLogger(),
  });
  try {
    expect((await store.append(record({ requestId: 'before' }))).seq).toBe(1);

    await server.stop();
    const during = await Promise.allSettled([
      store.append(record({ requestId: 'during-1' })),
      store.append(record()),
    ]);
    for (const result of during) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(AuditUnavailableError);
    }
    expect(await store.ping()).toEqual({ ok: false, detail: 'postgres unreachable' });

    await server.start();
    expect((await store.append(record({ requestId: 'after' }))).seq).toBe(2);
    expect(await store.verify()).toEqual({ ok: true, records: 2, checkpoints: 0 });
  } finally {
    await store[Symbol.asyncDispose]();
  }
});

it('rejects appends when the database accepts connections but never answers', async () => {
  const sockets = new Set<Socket>();
  const blackHole = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  const { port } = blackHole.address() as { port: number };
  const db = openPostgresDatabase(`postgres://postgres@127.0.0.1:${port}/audit`, { connectTimeoutMs: 300 });
  const store = auditStoreOn(db, {
    checkpointKey: await newKey('audit-stall'),
    checkpointIntervalMs: 0,
    appendTimeoutMs: NEVER,
    logger: silentLogger(),
  });
  try {
    await expect(store.append(record())).rejects.toBeInstanceOf(AuditUnavailableError);
    expect((await store.ping()).ok).toBe(false);
  } finally {
    await store[Symbol.asyncDispose]();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  }
});
