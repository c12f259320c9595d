// The contract every audit store implementation passes: the same suite runs on the embedded PGlite
// store (auditStore.pglite.test.ts) and on real PostgreSQL (tests/integration/auditStore.postgres.test.ts).
import { describe, expect, it } from 'vitest';
import { noteSignerOf } from '../../../gateway/src/audit/checkpoint.ts';
import { AuditUnavailableError } from '../../../gateway/src/audit/errors.ts';
import { checkpointIfBehind } from '../../../gateway/src/audit/writeBatch.ts';
import { createMetrics } from '../../../lib/metrics.ts';
import { type FreshDatabaseFactory, record, withStore } from './auditTestSupport.ts';
import { proofContract } from './proofContract.ts';
import { queryContract } from './queryContract.ts';
import { tamperContract } from './tamperContract.ts';

export function auditStoreContract(fresh: FreshDatabaseFactory): void {
  describe('reading', () => queryContract(fresh));
  describe('tamper evidence', () => tamperContract(fresh));
  describe('proofs', () => proofContract(fresh));

  it('commits a record and chains it after the previous one', async () => {
    await withStore(fresh, {}, async ({ store }) => {
      const first = await store.append(record({ requestId: 'r1' }));
      const second = await store.append(record({ requestId: 'r2', officer: undefined }));
      expect(first.seq).toBe(1);
      expect(first.prevHash).toBe('0'.repeat(64));
      expect(second).toMatchObject({ seq: 2, prevHash: first.hash, officer: null, requestId: 'r2' });
      expect(second.at.toISOString()).toBe('2026-01-01T00:00:01.000Z');
      expect(await store.verify()).toEqual({ ok: true, records: 2, checkpoints: 0 });
    });
  });

  it('writes concurrent appends in group commits with dense seqs, each resolving with its own record', async () => {
    const metrics = createMetrics('audit-test');
    await withStore(fresh, { maxBatch: 16, checkpointEvery: 50, metrics }, async ({ store }) => {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          store.append(record({ requestId: `r${i}`, outcome: i % 2 ? 'ok' : 'denied' })),
        ),
      );
      expect(results.map((r) => r.requestId)).toEqual(results.map((_, i) => `r${i}`));
      expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(results.map((_, i) => i + 1));
      const report = await store.verify();
      expect(report).toMatchObject({ ok: true, records: 200 });
      expect(report.checkpoints).toBeGreaterThanOrEqual(3);
      const counted = await metrics.auditRecords.get();
      expect(Object.fromEntries(counted.values.map((v) => [v.labels['outcome'], v.value]))).toEqual({
        ok: 100,
        denied: 100,
      });
    });
  });

  it('rejects a malformed record alone, without failing the others in its batch', async () => {
    await withStore(fresh, {}, async ({ store }) => {
      const results = await Promise.allSettled([
        store.append(record({ requestId: 'good-1' })),
        store.append(record({ outcome: 'maybe' as never })),
        store.append(record({ requestId: 'good-2' })),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(AuditUnavailableError);
      expect(await store.verify()).toMatchObject({ ok: true, records: 2 });
    });
  });

  it('refuses appends once closed', async () => {
    await withStore(fresh, {}, async ({ store }) => {
      await store[Symbol.asyncDispose]();
      await expect(store.append(record())).rejects.toBeInstanceOf(AuditUnavailableError);
    });
  });

  it('signs a checkpoint over the head when records arrived since the last one, and only then', async () => {
    await withStore(fresh, { checkpointEvery: 0 }, async ({ store, db, key }) => {
      await store.append(record());
      await store.append(record());
      const options = { signer: noteSignerOf(key), origin: 'test/audit', now: () => new Date() };
      expect(await checkpointIfBehind(db, options)).toBeGreaterThan(0);
      expect(await checkpointIfBehind(db, options)).toBeUndefined();
      expect(await store.verify()).toEqual({ ok: true, records: 2, checkpoints: 1 });
    });
  });

  it('signs checkpoints on its timer', async () => {
    await withStore(fresh, { checkpointEvery: 0, checkpointIntervalMs: 5 }, async ({ store }) => {
      await store.append(record());
      // Bounded by the test timeout, not by a guess at how long the timer takes.
      while ((await store.verify()).checkpoints === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await store.verify()).toEqual({ ok: true, records: 1, checkpoints: 1 });
    });
  });

  it('answers ping', async () => {
    await withStore(fresh, {}, async ({ store }) => {
      expect(await store.ping()).toMatchObject({ ok: true });
    });
  });
}
