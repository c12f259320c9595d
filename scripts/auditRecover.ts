// npm run audit:recover -- --data-dir data/audit --out data/audit.recovered
// Recovers, into a new directory, an embedded audit store that PostgreSQL aborts on (its control file
// points at a checkpoint record the WAL no longer holds). The damaged directory is only read. Verify the
// result with `npm run audit:verify -- --data-dir <out>` before trusting or serving it (docs/audit.md).
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runTool, UsageError } from '../gateway/src/audit/cliSupport.ts';
import { RecoveryRefusedError, recoverEmbeddedStore } from '../gateway/src/audit/recoverPglite.ts';
import { AuditStoreLockedError } from '../gateway/src/audit/storeLock.ts';

await runTool('audit:recover', async () => {
  const { values } = parseArgs({
    options: { 'data-dir': { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const source = values['data-dir'];
  const target = values.out;
  if (!source || !target)
    throw new UsageError('--data-dir (the damaged store) and --out (a new directory) are required');
  if (!existsSync(source)) throw new UsageError(`${source} does not exist`);
  if (existsSync(target)) throw new UsageError(`${target} already exists: name a new directory`);
  try {
    const { checkpoint, tries } = await recoverEmbeddedStore(source, target);
    process.stdout.write(
      `recovered ${source} into ${target} from the checkpoint record at ${checkpoint} (${tries} tried); ` +
        `now run: npm run audit:verify -- --data-dir ${target}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof RecoveryRefusedError || error instanceof AuditStoreLockedError) {
      throw new UsageError(error.message, { cause: error });
    }
    throw error;
  }
});
