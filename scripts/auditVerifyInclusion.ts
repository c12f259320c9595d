// npm run audit:verify-inclusion -- --event event.json --jwks <file or URL of /.well-known/jwks.json>
// npm run audit:verify-inclusion -- --archive month.jsonl --jwks <file or URL>
// Checks offline that one audit record (an AuditEvent with its `inclusion`, as myAccessHistory or
// auditEvents returns it) is in the signed audit log as shown. Prints one verdict line; exit 0 when it
// is, 1 when it is not, 2 when it could not be checked.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { JSONWebKeySet } from 'jose';
import { verifyArchive } from '../gateway/src/audit/archive.ts';
import { checkInclusion, type EventWithProof } from '../gateway/src/audit/checkInclusion.ts';
import { runTool, UsageError } from '../gateway/src/audit/cliSupport.ts';

async function readJwks(source: string): Promise<JSONWebKeySet> {
  const text = /^https?:\/\//.test(source)
    ? await fetch(source, { signal: AbortSignal.timeout(10_000) }).then((r) => {
        if (!r.ok) throw new UsageError(`${source} answered ${r.status}`);
        return r.text();
      })
    : await readFile(source, 'utf8');
  const jwks = JSON.parse(text) as JSONWebKeySet;
  if (!Array.isArray(jwks.keys)) throw new UsageError(`${source} is not a JWKS (no "keys" array)`);
  return jwks;
}

await runTool('audit:verify-inclusion', async () => {
  const { values } = parseArgs({
    options: { event: { type: 'string' }, archive: { type: 'string' }, jwks: { type: 'string' } },
    strict: true,
  });
  if (!values.event === !values.archive || !values.jwks)
    throw new UsageError('usage: --event event.json | --archive FILE, and --jwks <file or URL>');
  if (values.archive) {
    const keys = (await readJwks(values.jwks)).keys;
    const input = createReadStream(values.archive);
    const opened = await new Promise<Error | undefined>((resolve) => {
      input.once('open', () => resolve(undefined));
      input.once('error', resolve);
    });
    if (opened)
      throw new UsageError(`cannot read the archive (--archive ${values.archive}): ${opened.message}`);
    const verdict = await verifyArchive(createInterface({ input, crlfDelay: Infinity }), keys);
    if (!verdict.ok) {
      process.stdout.write(`archive NOT proven: line ${verdict.line}: ${verdict.reason}\n`);
      return 1;
    }
    process.stdout.write(
      `archive of ${verdict.month}: ${verdict.records} records (${verdict.firstSeq}–${verdict.lastSeq}) are in the audit log ${verdict.origin}: tree of ${verdict.treeSize} records signed by ${verdict.kid}\n`,
    );
    return 0;
  }
  if (!values.event) throw new UsageError('usage: --event event.json --jwks <file or URL>');
  let event: EventWithProof;
  try {
    const parsed = JSON.parse(await readFile(values.event, 'utf8')) as {
      node?: EventWithProof;
    } & EventWithProof;
    // An edge ({ node }) is accepted as well as the event itself.
    event = parsed.node ?? parsed;
  } catch (error) {
    throw new UsageError(`cannot read the event (--event ${values.event}): ${(error as Error).message}`);
  }
  const verdict = checkInclusion(event, (await readJwks(values.jwks)).keys);
  if (!verdict.ok) {
    process.stdout.write(`record NOT proven: ${verdict.reason}\n`);
    return 1;
  }
  process.stdout.write(
    `record ${verdict.seq} is in the audit log ${verdict.origin}: tree of ${verdict.treeSize} records signed by ${verdict.kid}\n`,
  );
  return 0;
});
