// The embedded store's directory lock. PGlite, unlike a PostgreSQL server, takes no lock on its data
// directory (its postmaster.pid always says -42), so two processes can open one directory: each replays
// and writes its own WAL over the other's, and the next open dies with `RuntimeError: Aborted()`
// (docs/audit.md, "One opener per embedded store"). Every opener — the gateway and each audit tool —
// takes this lock first, through openPgliteDatabase.
//
// The lock is the kernel's (flock-style, on an open file description), not a file whose presence or
// age means "locked": the kernel drops it the moment its holder dies, however it dies, so there is no
// stale lock to recover, no heartbeat a busy event loop could miss, and no window in which two openers
// both judge a dead holder's file stale. The file's content only names the holder, for the message.
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { tryLock, unlock } from 'fs-native-extensions';

/** The file inside the data directory that every opener locks. */
export const LOCK_FILE = 'lienthong.lock';

/** Who holds (or last held) a store: what the lock file says. */
export interface StoreLockHolder {
  readonly pid: number;
  /** The holder's program and script, e.g. `node main.ts`. */
  readonly process: string;
  /** When it took the lock, ISO 8601. */
  readonly since: string;
}

export class AuditStoreLockedError extends Error {
  override readonly name = 'AuditStoreLockedError';
  readonly code = 'AUDIT_STORE_LOCKED';
  readonly holder: StoreLockHolder | undefined;
  constructor(dataDir: string, holder: StoreLockHolder | undefined) {
    const who = holder
      ? `process ${holder.pid} (${holder.process}, since ${holder.since})`
      : 'another process (it has not written its name yet)';
    super(
      `the embedded audit store ${dataDir} is open in ${who}; a second opener would corrupt it. ` +
        'Stop that process first, or point DATABASE_URL at PostgreSQL to share one log',
    );
    this.holder = holder;
  }
}

export interface StoreLock extends AsyncDisposable {
  /** The holder named in the file when this lock was taken: a process that ended without closing. */
  readonly previousHolder: StoreLockHolder | undefined;
}

/** Takes the directory's lock or throws AuditStoreLockedError naming the holder; never waits. */
export async function lockStoreDirectory(dataDir: string): Promise<StoreLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  // 'a+' creates the file if needed and never truncates it before the lock is ours. The file is never
  // deleted: an opener holding the old inode and one creating a new file would both "hold" the lock.
  const fd = openSync(path, 'a+', 0o600);
  if (!tryLock(fd)) {
    const holder = readHolder(path);
    closeSync(fd);
    throw new AuditStoreLockedError(dataDir, holder);
  }
  const previousHolder = readHolder(path);
  ftruncateSync(fd, 0);
  const self: StoreLockHolder = {
    pid: process.pid,
    process: [basename(process.execPath), process.argv[1] ? basename(process.argv[1]) : '']
      .filter(Boolean)
      .join(' '),
    since: new Date().toISOString(),
  };
  writeSync(fd, `${JSON.stringify(self)}\n`);
  let released = false;
  return {
    previousHolder,
    async [Symbol.asyncDispose]() {
      if (released) return;
      released = true;
      // Emptied first, so a holder named in the file is one that did not close: a crash.
      ftruncateSync(fd, 0);
      unlock(fd);
      closeSync(fd);
    },
  };
}

function readHolder(path: string): StoreLockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoreLockHolder>;
    if (
      typeof parsed.pid !== 'number' ||
      typeof parsed.process !== 'string' ||
      typeof parsed.since !== 'string'
    ) {
      return undefined;
    }
    return { pid: parsed.pid, process: parsed.process, since: parsed.since };
  } catch {
    // Empty (released, or a holder between taking the lock and writing its name) or not ours.
    return undefined;
  }
}
