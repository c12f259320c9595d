// The reproduction (../shared/repro/pglite-audit-aborts-at-open.tar.gz): an embedded store that a second
// opener and a kill left with a control file pointing at a checkpoint record its WAL no longer holds.
// PostgreSQL aborts on it at every start. What docs/audit.md promises for such a store: the gateway and
// the tools refuse it with a message saying what to do, leave its data and WAL untouched, and once the
// operator moves it aside a new log starts in its place while the damaged copy stays as evidence.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey, record } from '../../gateway/src/audit/auditTestSupport.ts';
import { createAuditStore } from '../../gateway/src/audit/createAuditStore.ts';
import { lockStoreDirectory } from '../../gateway/src/audit/storeLock.ts';
import { type SigningKey, toJwks } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';
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
    expect(message).toContain(`mv ${dataDir} ${dataDir}.damaged, then start again`);
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
