// Archiving a month (`npm run audit:export -- --month 2026-01 --out FILE [--detach]`). The export
// file keeps the month's records verifiable without the database: a header with the signed
// checkpoint its proofs lead to, then one line per record with the record, its leaf seed and its
// inclusion proof (each line is also an event `audit:verify-inclusion --event` accepts), and a trailer
// with the number of records. Detaching
// then records the archive in audit_archives (leaf range, chain hash and tree root at its end, the
// file's SHA-256), keeps the small tree nodes whose records go (so proofs of the records left still
// serve), and detaches the month's partitions, renamed `…_archived` for the operator to drop.
import type { JWK } from 'jose';
import { type AuditContent, recordHash } from './chain.ts';
import { checkInclusion } from './checkInclusion.ts';
import { leafBytes } from './leaf.ts';
import { inclusionRanges, leafHash } from './merkle.ts';
import { LOWEST_STORED_LEVEL, rangeHashes, rootAt, storeSmallSubtrees } from './merkleLog.ts';
import { monthStart, nextMonth, partitionName } from './partitions.ts';
import { RECORD_COLUMNS, recordOfRow } from './recordRows.ts';
import { verifyNote } from './signedNote.ts';
import type { SqlDatabase, SqlExecutor } from './sqlDatabase.ts';
import { AUDIT_OUTCOMES, type AuditOutcome } from './types.ts';
import { lockHead } from './writeBatch.ts';

export const ARCHIVE_FORMAT = 'lienthong-audit-archive/1';
const PAGE = 1_000;
const BLOCK = 2 ** LOWEST_STORED_LEVEL;

/** The operator asked for something that cannot be done now (exit 2 with this message). */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
}

/** What an export covered; `detachMonth` checks the database still holds exactly this. */
export interface MonthArchive {
  readonly month: string;
  /** The month's first and last record; the file holds every record between them still present. */
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Records of the month, and lines in the file (records of neighbouring months in the range too). */
  readonly monthRecords: number;
  readonly records: number;
  readonly lastHash: string;
  /** The tree root over records 1–lastSeq, hex. */
  readonly treeRoot: string;
  readonly checkpointSize: number;
  readonly checkpoint: string;
}

export function parseMonth(text: string | undefined): string {
  const match = text === undefined ? null : /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (!match) throw new ArchiveError('--month expects a month as YYYY-MM');
  return text!;
}

const monthBounds = (month: string) => [monthStart(month), monthStart(nextMonth(month))] as const;

async function monthExtent(tx: SqlExecutor, month: string) {
  const [from, to] = monthBounds(month);
  const { rows } = await tx.query(
    'SELECT min(seq) AS first, max(seq) AS last, count(*) AS n FROM audit_records WHERE at >= $1 AND at < $2',
    [from, to],
  );
  const row = rows[0]!;
  return { first: Number(row['first'] ?? 0), last: Number(row['last'] ?? 0), count: Number(row['n']) };
}

/**
 * Writes the month's archive through `write` (one line at a time, awaited), from one snapshot.
 * Throws ArchiveError when the month is empty, already archived, or not yet under a signed checkpoint.
 */
export function exportMonth(
  db: SqlDatabase,
  month: string,
  write: (line: string) => Promise<void>,
): Promise<MonthArchive> {
  return db.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const archived = await tx.query('SELECT 1 FROM audit_archives WHERE month = $1', [monthStart(month)]);
    if (archived.rows.length > 0) throw new ArchiveError(`${month} is already archived`);
    const extent = await monthExtent(tx, month);
    if (extent.count === 0) throw new ArchiveError(`the audit log has no records in ${month}`);
    const { rows: notes } = await tx.query(
      'SELECT seq, note FROM audit_checkpoints WHERE note IS NOT NULL AND seq >= $1 ORDER BY seq DESC, id DESC LIMIT 1',
      [extent.last],
    );
    if (!notes[0]) {
      throw new ArchiveError(
        `no signed checkpoint covers record ${extent.last}, the last of ${month}, yet: export once the next one is signed`,
      );
    }
    const checkpointSize = Number(notes[0]['seq']);
    const checkpoint = String(notes[0]['note']);
    const last = await tx.query('SELECT hash FROM audit_records WHERE seq = $1', [extent.last]);
    const header = {
      format: ARCHIVE_FORMAT,
      month,
      firstSeq: extent.first,
      lastSeq: extent.last,
      monthRecords: extent.count,
      lastHash: String(last.rows[0]!['hash']),
      treeRoot: (await rootAt(tx, extent.last)).toString('hex'),
      checkpointSize,
      checkpoint,
    };
    await write(`${JSON.stringify(header)}\n`);
    let lines = 0;
    let after = extent.first - 1;
    for (;;) {
      const { rows } = await tx.query(
        `SELECT ${RECORD_COLUMNS}, leaf_seed FROM audit_records WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT ${PAGE}`,
        [after, extent.last],
      );
      // One read of the tree for the whole page: its records' proofs share most of their nodes, and
      // the small subtrees come from the page's own leaves.
      const page = rows.map((row) => {
        const record = recordOfRow(row);
        const seed = Buffer.from(row['leaf_seed'] as Uint8Array);
        return { record, seed, leaf: leafBytes(record.seq, record, seed) };
      });
      const known = new Map(page.map((p) => [p.record.seq - 1, leafHash(p.leaf)]));
      const ranges = page.map((p) => inclusionRanges(p.record.seq - 1, checkpointSize));
      const hashes = await rangeHashes(tx, ranges.flat(), known);
      let at = 0;
      for (const [i, { record, seed, leaf }] of page.entries()) {
        const path = hashes.slice(at, at + ranges[i]!.length);
        at += ranges[i]!.length;
        await write(
          `${JSON.stringify({
            id: String(record.seq),
            ...record,
            seq: undefined,
            at: record.at.toISOString(),
            leafSeed: seed.toString('hex'),
            inclusion: {
              leafIndex: record.seq - 1,
              treeSize: checkpointSize,
              leaf: leaf.toString('base64'),
              hashes: path.map((h) => h.toString('base64')),
              checkpoint,
            },
          })}\n`,
        );
        lines += 1;
      }
      if (rows.length < PAGE) break;
      after = Number(rows.at(-1)!['seq']);
    }
    // The trailer: a file cut short, or with a line taken out, no longer matches it.
    await write(`${JSON.stringify({ end: ARCHIVE_FORMAT, records: lines })}\n`);
    return { ...header, records: lines };
  });
}

/** The outcome of checking an archive file offline. */
export type ArchiveVerdict =
  | {
      readonly ok: true;
      readonly month: string;
      readonly records: number;
      readonly firstSeq: number;
      readonly lastSeq: number;
      readonly treeSize: number;
      readonly origin: string;
      readonly kid: string;
    }
  | { readonly ok: false; readonly line: number; readonly reason: string };

const isString = (v: unknown): v is string => typeof v === 'string';
const isNullableString = (v: unknown) => v === null || isString(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function contentOfLine(line: Record<string, unknown>): AuditContent | string {
  const { at, requestId, clientId, officer, procedureCode, dossierId, operationName, operationHash } = line;
  const { fields, denied, subjects, sources, outcome, durationMs, tokenId } = line;
  if (!isString(at) || Number.isNaN(Date.parse(at))) return 'at is not a date';
  if (!isString(requestId) || !isString(clientId) || !isString(operationHash))
    return 'a required member is missing';
  if (![officer, procedureCode, dossierId, operationName, tokenId ?? null].every(isNullableString))
    return 'a text member is not text';
  if (![fields, denied, subjects, sources].every(isStringList))
    return 'a list member is not a list of strings';
  if (!(AUDIT_OUTCOMES as readonly unknown[]).includes(outcome) || typeof durationMs !== 'number')
    return 'outcome or durationMs is malformed';
  return {
    at: new Date(at),
    requestId,
    clientId,
    officer: officer as string | null,
    procedureCode: procedureCode as string | null,
    dossierId: dossierId as string | null,
    operationName: operationName as string | null,
    operationHash,
    fields: fields as string[],
    denied: denied as string[],
    subjects: subjects as string[],
    sources: sources as string[],
    outcome: outcome as AuditOutcome,
    durationMs,
    tokenId: (tokenId ?? null) as string | null,
  };
}

/**
 * Checks an archive file without the database: the checkpoint's signature by one of `keys`; for every
 * record, its inclusion proof up to that signed root, its leaf recomputed from the whole record and
 * its seed, its chain hash, and the links between consecutive records; and the header's counts.
 */
export async function verifyArchive(
  lines: AsyncIterable<string>,
  keys: readonly JWK[],
): Promise<ArchiveVerdict> {
  let n = 0;
  let header: Record<string, unknown> | undefined;
  let origin = '';
  let kid = '';
  let records = 0;
  let previous: { seq: number; hash: string } | undefined;
  let ended = false;
  const fail = (reason: string): ArchiveVerdict => ({ ok: false, line: n, reason });
  for await (const text of lines) {
    n += 1;
    if (text.trim() === '') continue;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return fail('not JSON');
    }
    if (ended) return fail('lines follow the end of the archive');
    if (header && parsed['end'] !== undefined) {
      if (parsed['end'] !== ARCHIVE_FORMAT || parsed['records'] !== records)
        return fail(
          `the archive ends after ${records} records, its trailer says ${String(parsed['records'])}`,
        );
      ended = true;
      continue;
    }
    if (!header) {
      if (parsed['format'] !== ARCHIVE_FORMAT) return fail(`not a ${ARCHIVE_FORMAT} file`);
      const signed = verifyNote(String(parsed['checkpoint']), keys);
      if ('reason' in signed) return fail(`checkpoint: ${signed.reason}`);
      if (signed.checkpoint.size !== parsed['checkpointSize'])
        return fail('the header names another tree size than its checkpoint');
      header = parsed;
      origin = signed.checkpoint.origin;
      kid = signed.kid;
      continue;
    }
    const seq = Number(parsed['id']);
    const proof = parsed['inclusion'] as { checkpoint?: unknown } | undefined;
    if (proof?.checkpoint !== header['checkpoint'])
      return fail('the record is proven against another checkpoint than the header');
    const verdict = checkInclusion(parsed, keys);
    if (!verdict.ok) return fail(`record ${parsed['id']}: ${verdict.reason}`);
    if (
      seq < Number(header['firstSeq']) ||
      seq > Number(header['lastSeq']) ||
      (previous && seq <= previous.seq)
    )
      return fail(`record ${seq} is out of the archive's order or range`);
    const content = contentOfLine(parsed);
    if (typeof content === 'string') return fail(`record ${seq}: ${content}`);
    const seed = isString(parsed['leafSeed']) ? Buffer.from(parsed['leafSeed'], 'hex') : Buffer.alloc(0);
    if (
      !leafBytes(seq, content, seed).equals(Buffer.from(String((proof as { leaf?: unknown }).leaf), 'base64'))
    )
      return fail(`record ${seq} differs from its leaf in the log`);
    const prevHash = String(parsed['prevHash']);
    if (recordHash(seq, prevHash, content) !== parsed['hash'])
      return fail(`record ${seq} does not match its chain hash`);
    if (previous && previous.seq === seq - 1 && previous.hash !== prevHash)
      return fail(`record ${seq} does not follow record ${previous.seq}`);
    if (seq === header['lastSeq'] && parsed['hash'] !== header['lastHash'])
      return fail(`record ${seq} is not the chain head the header names`);
    previous = { seq, hash: String(parsed['hash']) };
    records += 1;
  }
  if (!header) return fail('the file is empty');
  if (!ended) return fail('the archive has no trailer: it was cut short');
  if (previous?.seq !== header['lastSeq']) return fail(`the archive ends before record ${header['lastSeq']}`);
  return {
    ok: true,
    month: String(header['month']),
    records,
    firstSeq: Number(header['firstSeq']),
    lastSeq: Number(header['lastSeq']),
    treeSize: Number(header['checkpointSize']),
    origin,
    kid,
  };
}

/**
 * Records the archive and detaches the month's partitions, in one transaction under the chain head's
 * lock. Refuses (ArchiveError) when the month changed since the export, or when the 16 records that
 * end with the month's last one are not all written yet (their small tree nodes are kept).
 */
export async function detachMonth(db: SqlDatabase, archive: MonthArchive, fileSha256: string): Promise<void> {
  try {
    await detachInTransaction(db, archive, fileSha256);
  } catch (error) {
    // The detach waits for readers of the tables (a long verify) while holding the chain head, so
    // writers wait too: it gives up after DETACH_LOCK_TIMEOUT rather than stall requests.
    if ((error as { code?: string }).code === '55P03') {
      throw new ArchiveError(
        `${archive.month} was not detached: the tables were in use for ${DETACH_LOCK_TIMEOUT} (a verification running?); try again`,
      );
    }
    throw error;
  }
}

const DETACH_LOCK_TIMEOUT = '2s';

function detachInTransaction(db: SqlDatabase, archive: MonthArchive, fileSha256: string): Promise<void> {
  return db.transaction(async (tx) => {
    await tx.exec(`SET LOCAL lock_timeout = '${DETACH_LOCK_TIMEOUT}'`);
    const head = await lockHead(tx);
    const extent = await monthExtent(tx, archive.month);
    if (
      extent.first !== archive.firstSeq ||
      extent.last !== archive.lastSeq ||
      extent.count !== archive.monthRecords
    ) {
      throw new ArchiveError(`records of ${archive.month} changed since the export: export it again`);
    }
    const lastBlock = Math.floor((archive.lastSeq - 1) / BLOCK);
    if (head.tree.size < (lastBlock + 1) * BLOCK) {
      throw new ArchiveError(
        `records up to ${(lastBlock + 1) * BLOCK} must be written before ${archive.month} is detached (the log has ${head.tree.size})`,
      );
    }
    // Blocks of 16 leaves that keep records after the detach: the month's two ends, and the records
    // of neighbouring months written among its own.
    const [from, to] = monthBounds(archive.month);
    const { rows: strays } = await tx.query(
      'SELECT seq FROM audit_records WHERE seq BETWEEN $1 AND $2 AND NOT (at >= $3 AND at < $4)',
      [archive.firstSeq, archive.lastSeq, from, to],
    );
    const blocks = [Math.floor((archive.firstSeq - 1) / BLOCK), lastBlock];
    for (const row of strays) blocks.push(Math.floor((Number(row['seq']) - 1) / BLOCK));
    await storeSmallSubtrees(tx, blocks);
    await tx.query(
      `INSERT INTO audit_archives (month, first_seq, last_seq, records, last_hash, tree_root, checkpoint_size, file_sha256)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        from,
        archive.firstSeq,
        archive.lastSeq,
        archive.records,
        archive.lastHash,
        archive.treeRoot,
        archive.checkpointSize,
        fileSha256,
      ],
    );
    for (const table of ['audit_records', 'audit_subjects'] as const) {
      const name = partitionName(table, archive.month);
      await tx.exec(
        `ALTER TABLE ${table} DETACH PARTITION ${name}; ALTER TABLE ${name} RENAME TO ${name}_archived`,
      );
    }
    // The records are gone from the log now: the tree must still give the same root without them.
    const root = (await rootAt(tx, archive.lastSeq)).toString('hex');
    if (root !== archive.treeRoot)
      throw new Error(`the tree over records 1–${archive.lastSeq} changed while detaching`);
  });
}
