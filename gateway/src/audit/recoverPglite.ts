// Recovery of an embedded store whose control file points at a checkpoint record the WAL no longer holds
// (docs/audit.md, "When the embedded store will not open"): PostgreSQL aborts at every start, although
// the WAL usually still holds older, valid checkpoint records. This makes a COPY of the directory whose
// control file points at one of them and says "not shut down", so that PostgreSQL's own crash recovery
// replays the WAL from there for as long as its records chain (each names its predecessor and carries a
// CRC). The damaged directory is never written to. What comes back is what PostgreSQL could replay: the
// audit chain's own verification then says whether it is whole.
//
// PostgreSQL's tool for a lost checkpoint record is pg_resetwal, which PGlite does not ship. The layout
// used here is PostgreSQL 18's (PGlite 0.5): anything else is refused rather than guessed at.
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { LOCK_FILE, lockStoreDirectory } from './storeLock.ts';

const PG_CONTROL_VERSION = 1800;
/** ControlFileData (PostgreSQL 18): where its fields sit, and where its CRC covers up to. */
const CONTROL = { version: 8, state: 16, checkPoint: 32, checkPointCopy: 40, crc: 292 } as const;
const DB_IN_PRODUCTION = 6;
const CHECKPOINT_SIZE = 88;
const WAL_PAGE = 8192;
const RECORD_HEADER = 24;
/** XLOG_CHECKPOINT_SHUTDOWN and XLOG_CHECKPOINT_ONLINE of the XLOG resource manager (id 0). */
const CHECKPOINT_INFOS = new Set([0x00, 0x10]);
/** Older candidates are tried only so far: each try starts PostgreSQL on a fresh copy. */
const MAX_TRIES = 5;

export class RecoveryRefusedError extends Error {
  override readonly name = 'RecoveryRefusedError';
}

export interface RecoveredStore {
  /** The checkpoint record recovery started from, as PostgreSQL writes an LSN (`0/1801BC8`). */
  readonly checkpoint: string;
  /** Checkpoint records tried, newest first, before one let PostgreSQL start. */
  readonly tries: number;
}

/** Recovers `source` into `target` (which must not exist); throws RecoveryRefusedError when it cannot. */
export async function recoverEmbeddedStore(source: string, target: string): Promise<RecoveredStore> {
  // Held for the whole recovery: nothing may open the damaged store meanwhile, and nothing is running it.
  await using _lock = await lockStoreDirectory(source);
  const control = await readFile(join(source, 'global', 'pg_control')).catch(() => Buffer.alloc(0));
  if (
    control.length < CONTROL.crc + 4 ||
    control.readUInt32LE(CONTROL.version) !== PG_CONTROL_VERSION ||
    crc32c(control, CONTROL.crc) !== control.readUInt32LE(CONTROL.crc)
  ) {
    throw new RecoveryRefusedError(`${source} is not a PGlite 0.5 (PostgreSQL 18) data directory`);
  }
  const pointedAt = control.readBigUInt64LE(CONTROL.checkPoint);
  const records = await checkpointRecords(join(source, 'pg_wal'));
  if (records.some((record) => record.lsn === pointedAt)) {
    throw new RecoveryRefusedError(
      `the checkpoint record ${source} points at is valid: its damage is not the one this recovers`,
    );
  }
  const candidates = records.filter((record) => record.lsn < pointedAt).sort((a, b) => Number(b.lsn - a.lsn));
  for (const [index, candidate] of candidates.slice(0, MAX_TRIES).entries()) {
    await cp(source, target, {
      recursive: true,
      errorOnExist: true,
      filter: (path) => !path.endsWith(LOCK_FILE),
    });
    const patched = Buffer.from(control);
    patched.writeUInt32LE(DB_IN_PRODUCTION, CONTROL.state);
    patched.writeBigUInt64LE(candidate.lsn, CONTROL.checkPoint);
    candidate.checkpoint.copy(patched, CONTROL.checkPointCopy);
    patched.writeUInt32LE(crc32c(patched, CONTROL.crc), CONTROL.crc);
    await writeFile(join(target, 'global', 'pg_control'), patched);
    if (await startsUp(target)) return { checkpoint: formatLsn(candidate.lsn), tries: index + 1 };
    await rm(target, { recursive: true, force: true });
  }
  throw new RecoveryRefusedError(
    `no checkpoint record in ${source}'s WAL lets PostgreSQL start (${Math.min(candidates.length, MAX_TRIES)} tried)`,
  );
}

/** Starts PostgreSQL on the copy (replaying its WAL) and shuts it down cleanly; false if it aborts. */
async function startsUp(dataDir: string): Promise<boolean> {
  try {
    const db = await PGlite.create(dataDir);
    await db.close();
    return true;
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) return false;
    throw error;
  }
}

interface CheckpointRecord {
  readonly lsn: bigint;
  /** The record's CheckPoint struct, as the control file keeps a copy of it. */
  readonly checkpoint: Buffer;
}

/** Every whole, CRC-valid checkpoint record in the WAL segments of `walDir`. */
async function checkpointRecords(walDir: string): Promise<CheckpointRecord[]> {
  const found: CheckpointRecord[] = [];
  for (const name of (await readdir(walDir)).filter((n) => /^[0-9A-F]{24}$/.test(n)).sort()) {
    const segment = await readFile(join(walDir, name));
    // TTTTTTTTXXXXXXXXYYYYYYYY: timeline, then the LSN's high word and the segment within it.
    const start =
      (BigInt(`0x${name.slice(8, 16)}`) << 32n) + BigInt(`0x${name.slice(16)}`) * BigInt(segment.length);
    for (let at = 0; at + RECORD_HEADER + 2 + CHECKPOINT_SIZE <= segment.length; at += 8) {
      const length = segment.readUInt32LE(at);
      if (length !== RECORD_HEADER + 2 + CHECKPOINT_SIZE || (at % WAL_PAGE) + length > WAL_PAGE) continue;
      if (segment[at + 17] !== 0 || !CHECKPOINT_INFOS.has(segment[at + 16]!)) continue;
      // Main data in short form: block id 255, one length byte.
      if (segment[at + RECORD_HEADER] !== 0xff || segment[at + RECORD_HEADER + 1] !== CHECKPOINT_SIZE)
        continue;
      const record = segment.subarray(at, at + length);
      const crc = crc32cOf([record.subarray(RECORD_HEADER), record.subarray(0, 20)]);
      if (crc !== record.readUInt32LE(20)) continue;
      found.push({ lsn: start + BigInt(at), checkpoint: Buffer.from(record.subarray(RECORD_HEADER + 2)) });
    }
  }
  return found;
}

const formatLsn = (lsn: bigint) =>
  `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;

// CRC-32C (Castagnoli), PostgreSQL's checksum for WAL records and the control file. Node's zlib.crc32 is
// the other polynomial.
const TABLE = Uint32Array.from({ length: 256 }, (_, i) => {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32cOf(parts: readonly Uint8Array[]): number {
  let crc = 0xffffffff;
  for (const part of parts) for (const byte of part) crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const crc32c = (buffer: Buffer, end: number) => crc32cOf([buffer.subarray(0, end)]);
