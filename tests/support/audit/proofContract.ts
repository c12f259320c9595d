// The proofs a store serves, checked the way an outsider would: the checkpoint note's signature with
// the published key (and with Sigstore's signed-note parser), every inclusion proof with Sigstore's
// RFC 9162 verifier, every consistency proof with the RFC's algorithm; and a log written before the
// tree existed becomes the tree's first leaves and keeps verifying.
import { createPublicKey, verify } from 'node:crypto';
import { LogCheckpoint } from '@sigstore/verify/dist/tlog/checkpoint.js';
import { verifyMerkleInclusion } from '@sigstore/verify/dist/tlog/merkle.js';
import { expect, it } from 'vitest';
import { chainRecords, normalizeRecord } from '../../../gateway/src/audit/chain.ts';
import { noteSignerOf, signCheckpoint } from '../../../gateway/src/audit/checkpoint.ts';
import { AuditQueryError } from '../../../gateway/src/audit/errors.ts';
import { readLeaf } from '../../../gateway/src/audit/leaf.ts';
import { verifyConsistency } from '../../../gateway/src/audit/merkle.ts';
import { loadMigrations, migrate } from '../../../gateway/src/audit/migrations.ts';
import { verifyNote } from '../../../gateway/src/audit/signedNote.ts';
import type { SqlDatabase } from '../../../gateway/src/audit/sqlDatabase.ts';
import type { AuditStore } from '../../../gateway/src/audit/types.ts';
import { checkpointIfBehind, extendTree } from '../../../gateway/src/audit/writeBatch.ts';
import type { SigningKey } from '../../../lib/keys.ts';
import { type FreshDatabaseFactory, record, steppingClock, withStore } from './auditTestSupport.ts';

const b = (s: string) => Buffer.from(s, 'base64');

/** Parses and checks a checkpoint note as an outsider: our verifier and Sigstore's note parser agree. */
export function checkedCheckpoint(note: string, key: SigningKey): { size: number; root: Buffer } {
  const verified = verifyNote(note, [key.publicJwk]);
  if ('reason' in verified) throw new Error(verified.reason);
  const parsed = LogCheckpoint.fromString(note.slice(0, note.indexOf('\n\n') + 1));
  expect(Number(parsed.logSize)).toBe(verified.checkpoint.size);
  expect(Buffer.from(parsed.logHash).equals(verified.checkpoint.root)).toBe(true);
  // The signature line verifies with the raw public key by Node alone, too.
  const line = note.slice(note.indexOf('\n\n') + 2).split('\n')[0]!;
  const sig = b(line.split(' ')[2]!).subarray(4);
  const publicKey = createPublicKey({ key: key.publicJwk as never, format: 'jwk' });
  expect(verify(null, Buffer.from(verified.body), publicKey, sig)).toBe(true);
  return verified.checkpoint;
}

export function sigstoreInclusionHolds(
  proof: { leafIndex: number; treeSize: number; leaf: string; hashes: readonly string[] },
  root: Buffer,
): boolean {
  try {
    verifyMerkleInclusion(
      {
        canonicalizedBody: b(proof.leaf),
        inclusionProof: { logIndex: String(proof.leafIndex), hashes: proof.hashes.map(b) },
      } as never,
      { logSize: BigInt(proof.treeSize), logHash: root } as never,
    );
    return true;
  } catch {
    return false;
  }
}

async function appendMany(store: AuditStore, n: number, from = 0): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      store.append(
        record({ requestId: `r${from + i}`, subjects: [`Citizen:0010990000${(from + i) % 100}`] }),
      ),
    ),
  );
}

export function proofContract(fresh: FreshDatabaseFactory): void {
  it('serves checkpoints whose every inclusion and consistency proof verifies independently', async () => {
    await withStore(fresh, { checkpointEvery: 0, maxBatch: 7 }, async ({ store, db, key }) => {
      const heads: { size: number; root: Buffer }[] = [];
      for (const n of [1, 4, 13, 32, 19]) {
        await appendMany(store, n, heads.at(-1)?.size ?? 0);
        const note = await checkpointNow(db, store, key);
        heads.push(checkedCheckpoint(note, key));
      }
      const last = heads.at(-1)!;
      expect(last.size).toBe(69);
      for (const head of heads) {
        for (let index = 0; index < head.size; index += 1 + Math.floor(head.size / 9)) {
          const proof = await store.inclusionProof(index, head.size);
          expect(sigstoreInclusionHolds(proof, head.root)).toBe(true);
          expect(sigstoreInclusionHolds({ ...proof, leafIndex: (index + 1) % head.size }, head.root)).toBe(
            head.size === 1,
          );
          expect(readLeaf(b(proof.leaf))?.seq).toBe(index + 1);
        }
        const consistency = await store.consistencyProof(head.size, last.size);
        expect(verifyConsistency(head.size, last.size, head.root, last.root, consistency.hashes.map(b))).toBe(
          true,
        );
      }
    });
  });

  it('gives a record its proof once a checkpoint covers it, in the tree of that checkpoint', async () => {
    await withStore(fresh, { checkpointEvery: 5 }, async ({ store, key }) => {
      for (let i = 0; i < 7; i++) await store.append(record({ requestId: `r${i}` }));
      expect(await store.recordInclusion(7)).toBeNull();
      const inclusion = (await store.recordInclusion(3))!;
      const head = checkedCheckpoint(inclusion.checkpoint, key);
      expect(inclusion).toMatchObject({ leafIndex: 2, treeSize: 5 });
      expect(sigstoreInclusionHolds(inclusion, head.root)).toBe(true);
      expect(await store.checkpoint()).toBe(inclusion.checkpoint);
    });
  });

  it('refuses proofs for sizes and indexes outside the tree with a coded error', async () => {
    await withStore(fresh, {}, async ({ store }) => {
      await appendMany(store, 3);
      for (const [index, size] of [
        [3, 3],
        [-1, 3],
        [0, 4],
        [0, 0],
        [0.5, 2],
      ] as const) {
        await expect(store.inclusionProof(index, size)).rejects.toBeInstanceOf(AuditQueryError);
      }
      await expect(store.consistencyProof(2, 4)).rejects.toBeInstanceOf(AuditQueryError);
      await expect(store.consistencyProof(3, 2)).rejects.toBeInstanceOf(AuditQueryError);
    });
  });

  const FIRST_SCHEMA_COLUMNS =
    'seq, at, request_id, client_id, officer, procedure_code, dossier_id, operation_name, operation_hash, ' +
    'fields, denied, subjects, sources, outcome, duration_ms, prev_hash, hash';

  it('makes the records of a log written before the tree its first leaves, old checkpoints still verifying', async () => {
    const { db, cleanup } = await fresh();
    try {
      const [first, ...later] = await loadMigrations();
      await migrate(db, [first!]);
      const { newKey } = await import('./auditTestSupport.ts');
      const key = await newKey('audit-before-tree');
      const clock = steppingClock();
      const old = chainRecords(
        { seq: 0, hash: '0'.repeat(64) },
        Array.from({ length: 12 }, (_, i) => normalizeRecord(record({ requestId: `old-${i}` }), clock())),
      );
      for (const r of old) {
        await db.query(
          // The columns of the first schema (001), as such a log was written.
          `INSERT INTO audit_records (${FIRST_SCHEMA_COLUMNS}) VALUES (${Array.from({ length: 17 }, (_, i) => `$${i + 1}`).join(', ')})`,
          [
            r.seq,
            r.at,
            r.requestId,
            r.clientId,
            r.officer,
            r.procedureCode,
            r.dossierId,
            r.operationName,
            r.operationHash,
            r.fields,
            r.denied,
            r.subjects,
            r.sources,
            r.outcome,
            r.durationMs,
            r.prevHash,
            r.hash,
          ],
        );
        for (const subject of r.subjects) {
          await db.query('INSERT INTO audit_subjects (subject, at, seq) VALUES ($1, $2, $3)', [
            subject,
            r.at,
            r.seq,
          ]);
        }
      }
      const head = old.at(-1)!;
      await db.query('UPDATE audit_head SET seq = $1, hash = $2, checkpoint_seq = $1', [head.seq, head.hash]);
      const jws = await signCheckpoint(key, { seq: 12, count: 12, hash: head.hash, iat: 0 });
      await db.query('INSERT INTO audit_checkpoints (seq, at, kid, jws) VALUES (12, now(), $1, $2)', [
        key.kid,
        jws,
      ]);

      await migrate(db, [first!, ...later]);
      expect(await extendTree(db, 5)).toBe(12);
      await withStore(
        async () => ({ db, cleanup: async () => {} }),
        { checkpointKey: key, checkpointEvery: 4 },
        async ({ store }) => {
          await appendMany(store, 4, 12);
          expect(await store.verify()).toEqual({ ok: true, records: 16, checkpoints: 2 });
          const inclusion = (await store.recordInclusion(1))!;
          expect(sigstoreInclusionHolds(inclusion, checkedCheckpoint(inclusion.checkpoint, key).root)).toBe(
            true,
          );
        },
      );
    } finally {
      await cleanup();
    }
  });
}

/** Signs a checkpoint over the current head, as the store's timer does. */
async function checkpointNow(db: SqlDatabase, store: AuditStore, key: SigningKey): Promise<string> {
  const signed = await checkpointIfBehind(db, {
    signer: noteSignerOf(key),
    origin: 'test/audit',
    now: () => new Date(),
  });
  const note = await store.checkpoint();
  if (!signed || !note) throw new Error('no new checkpoint');
  return note;
}
