// npm run audit:verify [-- --jwks file] [--data-dir dir] [--witness dir]
// Recomputes the audit hash chain and Merkle tree and checks every checkpoint signature; with
// --witness, also every head that witness accepted (a deleted tail or checkpoint, or a rewritten
// history, shows against them). Prints one verdict line; exit 0 only when the log is intact, 1 when it
// is not, 2 when it could not be checked.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openAuditDatabase, runTool, UsageError } from '../gateway/src/audit/cliSupport.ts';
import { verifyLog } from '../gateway/src/audit/index.ts';
import { ed25519PublicKey, verifyCosignature } from '../gateway/src/audit/signedNote.ts';
import { witnessedNotes } from '../gateway/src/audit/witness.ts';
import { loadJwksFile } from '../lib/keys.ts';

const DEFAULT_JWKS = 'data/keys/gateway-audit.jwks.json';

/** The heads a witness accepted, each checked to carry its cosignature. */
async function readWitness(dir: string): Promise<string[]> {
  const keys = await loadJwksFile(join(dir, 'witness.jwks.json')).catch((error: unknown) => {
    throw new UsageError(`not a witness directory (--witness ${dir}): ${(error as Error).message}`);
  });
  const notes = await witnessedNotes(dir);
  for (const note of notes) {
    const cosigned = keys.keys.some((k) => {
      const raw = ed25519PublicKey(k);
      return (
        raw !== undefined && typeof k.kid === 'string' && verifyCosignature(note, k.kid, raw) !== undefined
      );
    });
    if (!cosigned) throw new UsageError(`a head in ${dir} does not carry the witness's cosignature`);
  }
  return notes;
}

await runTool('audit:verify', async () => {
  const { values } = parseArgs({
    options: { jwks: { type: 'string' }, 'data-dir': { type: 'string' }, witness: { type: 'string' } },
    strict: true,
  });
  const jwksFile = values.jwks ?? DEFAULT_JWKS;
  const jwks = await loadJwksFile(jwksFile).catch((error: unknown) => {
    throw new UsageError(`cannot read the checkpoint keys (--jwks ${jwksFile}): ${(error as Error).message}`);
  });
  const witnessed = values.witness ? await readWitness(values.witness) : undefined;
  const db = await openAuditDatabase(values['data-dir']);
  try {
    const report = await verifyLog(db, jwks, witnessed ? { witnessed } : {});
    const seen = witnessed ? `, ${witnessed.length} witnessed heads` : '';
    const counts = `${report.records} records, ${report.checkpoints} checkpoints${seen}`;
    if (report.ok) {
      process.stdout.write(`audit log intact: ${counts}\n`);
      return 0;
    }
    const problem = report.firstProblem!;
    process.stdout.write(
      `audit log NOT intact: record ${problem.seq} ${problem.kind}: ${problem.detail} (${counts} checked)\n`,
    );
    return 1;
  } finally {
    await db[Symbol.asyncDispose]();
  }
});
