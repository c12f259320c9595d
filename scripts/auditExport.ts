// npm run audit:export -- --month 2026-01 --out FILE [--detach] [--jwks file] [--data-dir dir]
// npm run audit:export -- --from 2026-01-01 --to 2026-02-01 [--out file] [--data-dir dir]
// With --month: writes the month's archive (a header with the signed checkpoint, then every record
// with its leaf seed and inclusion proof; docs/audit.md, "Partitions and archiving"), which verifies
// offline with `audit:verify-inclusion -- --archive FILE`. With --detach it then re-reads the file,
// verifies it against the checkpoint keys, records the archive and detaches the month's partitions
// (left as audit_records_YYYY_MM_archived and audit_subjects_YYYY_MM_archived for the operator to
// drop). With --from/--to: the records with from <= at < to as JSON Lines, hashes included.

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  ArchiveError,
  detachMonth,
  exportMonth,
  parseMonth,
  verifyArchive,
} from '../gateway/src/audit/archive.ts';
import { openAuditDatabase, runTool, UsageError } from '../gateway/src/audit/cliSupport.ts';
import { exportLine, exportRange, type SqlDatabase } from '../gateway/src/audit/index.ts';
import { loadJwksFile } from '../lib/keys.ts';

const DEFAULT_JWKS = 'data/keys/gateway-audit.jwks.json';

function parseDate(value: string | undefined, option: string): Date {
  const date = value && /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${option} expects an ISO 8601 date or date-time`);
  return date;
}

const writer = (out: NodeJS.WritableStream) => async (line: string) => {
  if (!out.write(line)) await once(out, 'drain');
};

const closeFile = (out: WriteStream) =>
  new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );

async function exportRangeTo(
  db: SqlDatabase,
  from: Date,
  to: Date,
  out: NodeJS.WritableStream,
): Promise<void> {
  let count = 0;
  for await (const record of exportRange(db, from, to)) {
    await writer(out)(exportLine(record));
    count += 1;
  }
  process.stderr.write(`audit:export: ${count} records from ${from.toISOString()} to ${to.toISOString()}\n`);
}

async function archiveMonth(
  db: SqlDatabase,
  month: string,
  file: string | undefined,
  detach: { jwks: string } | undefined,
): Promise<number> {
  const out = file ? createWriteStream(file, { flags: 'wx' }) : process.stdout;
  let archive: Awaited<ReturnType<typeof exportMonth>>;
  try {
    archive = await exportMonth(db, month, writer(out));
  } catch (error) {
    // No half-written archive is left behind to be mistaken for one.
    if (file) await closeFile(out as WriteStream).then(() => rm(file, { force: true }));
    throw error;
  }
  if (file) await closeFile(out as WriteStream);
  process.stderr.write(
    `audit:export: ${month}: records ${archive.firstSeq}–${archive.lastSeq} (${archive.records} lines), proven against the checkpoint of ${archive.checkpointSize} records\n`,
  );
  if (!detach || !file) return 0;
  // Detach only what the file on disk proves: read it back and verify it as an auditor would.
  const jwks = await loadJwksFile(detach.jwks).catch((error: unknown) => {
    throw new UsageError(
      `cannot read the checkpoint keys (--jwks ${detach.jwks}): ${(error as Error).message}`,
    );
  });
  const verdict = await verifyArchive(
    createInterface({ input: createReadStream(file), crlfDelay: Infinity }),
    jwks.keys,
  );
  if (!verdict.ok) {
    process.stdout.write(
      `archive NOT verified (line ${verdict.line}: ${verdict.reason}); ${month} stays attached\n`,
    );
    return 1;
  }
  if (verdict.records !== archive.records) {
    process.stdout.write(
      `archive NOT verified (${verdict.records} of ${archive.records} records); ${month} stays attached\n`,
    );
    return 1;
  }
  const sha256 = createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
  await detachMonth(db, archive, sha256);
  process.stdout.write(
    `${month} archived to ${file} (sha256 ${sha256}) and detached: drop audit_records_${month.replace('-', '_')}_archived and audit_subjects_${month.replace('-', '_')}_archived once the file is stored\n`,
  );
  return 0;
}

await runTool('audit:export', async () => {
  const { values } = parseArgs({
    options: {
      month: { type: 'string' },
      detach: { type: 'boolean' },
      jwks: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  let month: string | undefined;
  let range: { from: Date; to: Date } | undefined;
  if (values.month !== undefined) {
    if (values.from !== undefined || values.to !== undefined)
      throw new UsageError('--month excludes --from and --to');
    try {
      month = parseMonth(values.month);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (values.detach && !values.out)
      throw new UsageError('--detach needs --out: the archive must be a file');
  } else {
    if (values.detach) throw new UsageError('--detach needs --month');
    range = { from: parseDate(values.from, 'from'), to: parseDate(values.to, 'to') };
    if (range.from >= range.to) throw new UsageError('--from must be before --to');
  }
  const db = await openAuditDatabase(values['data-dir']);
  try {
    if (range) {
      const out = values.out ? createWriteStream(values.out, { flags: 'wx' }) : process.stdout;
      try {
        await exportRangeTo(db, range.from, range.to, out);
      } finally {
        if (out !== process.stdout) await closeFile(out as WriteStream);
      }
      return 0;
    }
    return await archiveMonth(
      db,
      month!,
      values.out,
      values.detach ? { jwks: values.jwks ?? DEFAULT_JWKS } : undefined,
    );
  } catch (error) {
    if (error instanceof ArchiveError) throw new UsageError(error.message);
    throw error;
  } finally {
    await db[Symbol.asyncDispose]();
  }
});
