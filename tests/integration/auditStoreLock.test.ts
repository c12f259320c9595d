// One opener per embedded store. Opening a PGlite directory that another process has open is what left
// the reproduction's store unreadable (docs/audit.md), so every opener takes the directory's lock: these
// tests are the second opener, and it must get nothing but a message naming the holder.

import { spawn } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteDatabase } from '../../gateway/src/audit/pgliteDatabase.ts';
import { AuditStoreLockedError, lockStoreDirectory } from '../../gateway/src/audit/storeLock.ts';
import { generateSigningJwk, publicJwkOf } from '../../lib/keys.ts';
import { NODE, runNode } from './auditProcesses.ts';

const EMBEDDED = { DATABASE_URL: '' };

let dir: string;
let keyFile: string;
let jwksFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-lock-'));
  const jwk = await generateSigningJwk('EdDSA', 'audit-lock');
  keyFile = join(dir, 'audit.jwk.json');
  jwksFile = join(dir, 'audit.jwks.json');
  await writeFile(keyFile, JSON.stringify(jwk));
  await writeFile(jwksFile, JSON.stringify({ keys: [publicJwkOf(jwk)] }));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a second opener of an embedded store', () => {
  it('audit:verify and audit:export while a gateway-like writer has the store open are refused, naming it; the writer goes on', {
    timeout: 120_000,
  }, async () => {
    const dataDir = join(dir, 'live');
    const writer = spawn(NODE, ['tests/integration/auditCrashWriter.ts', keyFile, dataDir, 'w'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acks = 0;
    const lines = createInterface({ input: writer.stdout });
    const ready = new Promise<void>((resolve) =>
      lines.on('line', (line) => {
        if (line === 'ready') resolve();
        if (line.startsWith('ack ')) acks += 1;
      }),
    );
    const exited = new Promise<void>((resolve) => writer.once('close', () => resolve()));
    try {
      await ready;
      const verify = await runNode(
        ['scripts/auditVerify.ts', '--jwks', jwksFile, '--data-dir', dataDir],
        EMBEDDED,
      );
      expect(verify.code).toBe(2);
      expect(verify.stdout).toBe('');
      expect(verify.stderr).toContain(
        `audit:verify: the embedded audit store ${dataDir} is open in process ${writer.pid} (node auditCrashWriter.ts, since 20`,
      );
      expect(verify.stderr).toContain('Stop that process first');
      const exported = await runNode(
        ['scripts/auditExport.ts', '--from', '2020-01-01', '--to', '2100-01-01', '--data-dir', dataDir],
        EMBEDDED,
      );
      expect(exported.code).toBe(2);
      expect(exported.stdout).toBe('');
      expect(exported.stderr).toContain(`is open in process ${writer.pid}`);
      // The refused tools never started PostgreSQL on the directory: the writer still commits.
      const before = acks;
      await new Promise<void>((resolve) => {
        const check = () => (acks >= before + 5 ? resolve() : setTimeout(check, 20));
        check();
      });
      expect(writer.exitCode).toBeNull();
    } finally {
      writer.kill('SIGKILL');
      await exited;
    }

    // Its holder killed, the lock is free at once (the kernel dropped it), and names the dead holder.
    const lock = await lockStoreDirectory(dataDir);
    expect(lock.previousHolder?.pid).toBe(writer.pid);
    await lock[Symbol.asyncDispose]();
    const verify = await runNode(
      ['scripts/auditVerify.ts', '--jwks', jwksFile, '--data-dir', dataDir],
      EMBEDDED,
    );
    expect(verify.stdout).toMatch(/^audit log intact: \d+ records, \d+ checkpoints\n$/);
    expect(verify.code).toBe(0);
  });

  it('is refused before PostgreSQL starts on the directory', { timeout: 60_000 }, async () => {
    const dataDir = join(dir, 'never-started');
    const held = await lockStoreDirectory(dataDir);
    try {
      const opening = openPgliteDatabase(dataDir);
      await expect(opening).rejects.toBeInstanceOf(AuditStoreLockedError);
      await expect(opening).rejects.toMatchObject({
        code: 'AUDIT_STORE_LOCKED',
        holder: { pid: process.pid },
      });
      // initdb never ran: no PostgreSQL file was written.
      await expect(access(join(dataDir, 'PG_VERSION'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await held[Symbol.asyncDispose]();
    }
  });

  it('in the same process is refused too (two PGlite instances in one process corrupt it alike)', async () => {
    const dataDir = join(dir, 'same-process');
    const first = await lockStoreDirectory(dataDir);
    try {
      await expect(lockStoreDirectory(dataDir)).rejects.toMatchObject({
        name: 'AuditStoreLockedError',
        holder: { pid: process.pid },
      });
    } finally {
      await first[Symbol.asyncDispose]();
    }
  });

  it('after a clean close takes the lock and names no previous holder', async () => {
    const dataDir = join(dir, 'clean');
    await (await lockStoreDirectory(dataDir))[Symbol.asyncDispose]();
    const again = await lockStoreDirectory(dataDir);
    expect(again.previousHolder).toBeUndefined();
    await again[Symbol.asyncDispose]();
  });
});
