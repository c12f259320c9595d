// npm run audit:verify-inclusion -- --event event.json --jwks <file or URL of /.well-known/jwks.json>
// Checks offline that one audit record (an AuditEvent with its `inclusion`, as myAccessHistory or
// auditEvents returns it) is in the signed audit log as shown. Prints one verdict line; exit 0 when it
// is, 1 when it is not, 2 when it could not be checked.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { JSONWebKeySet } from 'jose';
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
    options: { event: { type: 'string' }, jwks: { type: 'string' } },
    strict: true,
  });
  if (!values.event || !values.jwks) throw new UsageError('usage: --event event.json --jwks <file or URL>');
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
