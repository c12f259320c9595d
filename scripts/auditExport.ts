// npm run audit:export -- --from 2026-01-01 --to 2026-02-01 [--out file] [--data-dir dir]
// Writes the audit records with from <= at < to as JSON Lines (oldest first, hashes included) for
// archiving, to the file or to stdout.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { openAuditDatabase, runTool, UsageError } from '../gateway/src/audit/cliSupport.ts';
import { exportLine, exportRange } from '../gateway/src/audit/index.ts';

function parseDate(value: string | undefined, option: string): Date {
  const date = value && /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${option} expects an ISO 8601 date or date-time`);
  return date;
}

await runTool('audit:export', async () => {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  const from = parseDate(values.from, 'from');
  const to = parseDate(values.to, 'to');
  if (from >= to) throw new UsageError('--from must be before --to');
  const db = await openAuditDatabase(values['data-dir']);
  const out = values.out ? createWriteStream(values.out, { flags: 'wx' }) : process.stdout;
  let count = 0;
  try {
    for await (const record of exportRange(db, from, to)) {
      if (!out.write(exportLine(record))) await once(out, 'drain');
      count += 1;
    }
  } finally {
    await db[Symbol.asyncDispose]();
    if (out !== process.stdout)
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
  }
  process.stderr.write(`audit:export: ${count} records from ${from.toISOString()} to ${to.toISOString()}\n`);
  return 0;
});
