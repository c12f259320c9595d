// The reproduction (../shared/repro/pglite-audit-aborts-at-open.tar.gz): an embedded store that a second
// opener and a kill left with a control file pointing at a checkpoint record its WAL no longer holds.
// PostgreSQL aborts on it at every start. What docs/audit.md promises for such a store: the gateway and
// the tools refuse it with a message saying what to do, leave its data and WAL untouched, and once the
// operator moves it aside a new log starts in its place while the damaged copy stays as evidence.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../gateway/src/audit/createAuditStore.ts';
import { exportRange, migrate, verifyLog } from '../../gateway/src/audit/index.ts';
import { openPgliteDatabase } from '../../gateway/src/audit/pgliteDatabase.ts';
import { lockStoreDirectory } from '../../gateway/src/audit/storeLock.ts';
import { type SigningKey, toJwks } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';
import { newKey, record } from '../support/audit/auditTestSupport.ts';
import { runNode } from './auditProcesses.ts';

// CI lays shared/ beside the clone; the test fails (never skips) without it.
const TARBALL = join(process.cwd(), '..', 'shared', 'repro', 'pglite-audit-aborts-at-open.tar.gz');

let dir: string;
let dataDir: string;
let key: SigningKey;
let pristine: Map<string, string>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-repro-'));
  await promisify(execFile)('tar', ['xzf', TARBALL, '-C', dir]);
  dataDir = join(dir, 'audit');
  await rename(join(dir, 'corrupt-audit'), dataDir);
  pristine = await digests(dataDir);
  key = await newKey('audit-repro');
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const open = (at: string) =>
  createAuditStore({ dataDir: at, checkpointKey: key, checkpointIntervalMs: 0, logger: silentLogger() });

describe('an embedded store PostgreSQL aborts on (the reproduction)', () => {
  it("is refused by the gateway's store with what to do, its data and WAL left as they were", {
    timeout: 60_000,
  }, async () => {
    const opening = open(dataDir);
    await expect(opening).rejects.toMatchObject({
      name: 'AuditStoreDamagedError',
      code: 'AUDIT_STORE_DAMAGED',
    });
    const message = ((await opening.catch((error: unknown) => error)) as Error).message;
    expect(message).toContain(`the embedded audit store ${dataDir} cannot be opened`);
    expect(message).toContain(`npm run audit:recover -- --data-dir ${dataDir} --out ${dataDir}.recovered`);
    expect(message).toContain(`mv ${dataDir} ${dataDir}.damaged`);
    expect(message).toContain('docs/audit.md, "When the embedded store will not open"');
    // PGlite rewrites postmaster.pid at every start; every other file is byte for byte the same.
    expect(await digests(dataDir)).toEqual(pristine);
    // The lock was released with the failure: the next attempt is refused for the damage, not the lock.
    await (await lockStoreDirectory(dataDir))[Symbol.asyncDispose]();
  });

  it('makes audit:verify exit 2 with the same advice', { timeout: 60_000 }, async () => {
    const jwksFile = join(dir, 'audit.jwks.json');
    await writeFile(jwksFile, JSON.stringify(toJwks([key.publicJwk])));
    const verify = await runNode(['scripts/auditVerify.ts', '--jwks', jwksFile, '--data-dir', dataDir], {
      DATABASE_URL: '',
    });
    expect(verify.code).toBe(2);
    expect(verify.stdout).toBe('');
    expect(verify.stderr).toContain(`audit:verify: the embedded audit store ${dataDir} cannot be opened`);
    expect(verify.stderr).toContain(`mv ${dataDir} ${dataDir}.damaged`);
  });

  it('is recovered by audit:recover into a new directory: every record back, the chain whole, the original untouched', {
    timeout: 120_000,
  }, async () => {
    const out = join(dir, 'recovered');
    const recover = await runNode(['scripts/auditRecover.ts', '--data-dir', dataDir, '--out', out]);
    expect(recover.stderr).toBe('');
    expect(recover.stdout).toBe(
      `recovered ${dataDir} into ${out} from the checkpoint record at 0/1801BC8 (1 tried); ` +
        `now run: npm run audit:verify -- --data-dir ${out}\n`,
    );
    expect(recover.code).toBe(0);
    expect(await digests(dataDir)).toEqual(pristine);

    const db = await openPgliteDatabase(out);
    try {
      // As audit:verify does: the store's schema brought up to date (the reproduction predates the tree).
      await migrate(db);
      const seqs: number[] = [];
      for await (const stored of exportRange(db, new Date(0), new Date(Date.now() + 60_000)))
        seqs.push(stored.seq);
      expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 1056 }, (_, i) => i + 1));
      // Its one checkpoint is signed by that run's key, which the tarball does not hold; set aside, the
      // hash chain over all 1 056 records and the head must verify.
      expect((await verifyLog(db, { keys: [] })).firstProblem).toMatchObject({
        seq: 58,
        kind: 'bad-checkpoint',
      });
      await db.exec('DELETE FROM audit_checkpoints');
      expect(await verifyLog(db, { keys: [] })).toMatchObject({ ok: true, records: 1056 });
    } finally {
      await db[Symbol.asyncDispose]();
    }

    // As the operator's step 4: the gateway's store continues the recovered log.
    const store = await open(out);
    try {
      expect((await store.append(record({ requestId: 'after-recover' }))).seq).toBe(1057);
      expect(await store.verify()).toMatchObject({ ok: true, records: 1057 });
    } finally {
      await store[Symbol.asyncDispose]();
    }

    const again = await runNode(['scripts/auditRecover.ts', '--data-dir', dataDir, '--out', out]);
    expect(again).toMatchObject({ code: 2, stdout: '' });
    expect(again.stderr).toBe(`audit:recover: ${out} already exists: name a new directory\n`);
    // A store that opens has nothing for audit:recover to do, and says so.
    const healthy = await runNode([
      'scripts/auditRecover.ts',
      '--data-dir',
      out,
      '--out',
      join(dir, 'twice'),
    ]);
    expect(healthy.code).toBe(2);
    expect(healthy.stderr).toContain('its damage is not the one this recovers');
    const notPglite = join(dir, 'not-pglite');
    await mkdir(join(notPglite, 'global'), { recursive: true });
    await writeFile(join(notPglite, 'global', 'pg_control'), Buffer.alloc(8192, 7));
    const refused = await runNode([
      'scripts/auditRecover.ts',
      '--data-dir',
      notPglite,
      '--out',
      join(dir, 'no'),
    ]);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe(
      `audit:recover: ${notPglite} is not a PGlite 0.5 (PostgreSQL 18) data directory\n`,
    );
  });

  it('once moved aside as documented, gives way to a new log while the damaged copy is kept', {
    timeout: 60_000,
  }, async () => {
    await rename(dataDir, `${dataDir}.damaged`);
    const store = await open(dataDir);
    try {
      await store.append(record({ requestId: 'after-recovery' }));
      const report = await store.verify();
      expect(report).toMatchObject({ ok: true, records: 1 });
    } finally {
      await store[Symbol.asyncDispose]();
    }
    expect(await digests(`${dataDir}.damaged`)).toEqual(pristine);
  });
});

/** SHA-256 of every file under `root` but the two each opener rewrites (postmaster.pid, the lock). */
async function digests(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === 'postmaster.pid' || entry.name === 'lienthong.lock') continue;
    const path = join(entry.parentPath, entry.name);
    out.set(
      relative(root, path),
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    );
  }
  return out;
}
