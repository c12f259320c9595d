// npm run audit:verify [-- --jwks file] [--data-dir dir]
// Recomputes the audit hash chain and checks every checkpoint signature. Prints one verdict line;
// exit 0 only when the log is intact, 1 when it is not, 2 when it could not be checked.
import { parseArgs } from 'node:util';
import { openAuditDatabase, runTool, UsageError } from '../gateway/src/audit/cliSupport.ts';
import { verifyLog } from '../gateway/src/audit/index.ts';
import { loadJwksFile } from '../lib/keys.ts';

const DEFAULT_JWKS = 'data/keys/gateway-audit.jwks.json';

await runTool('audit:verify', async () => {
  const { values } = parseArgs({
    options: { jwks: { type: 'string' }, 'data-dir': { type: 'string' } },
    strict: true,
  });
  const jwksFile = values.jwks ?? DEFAULT_JWKS;
  const jwks = await loadJwksFile(jwksFile).catch((error: unknown) => {
    throw new UsageError(`cannot read the checkpoint keys (--jwks ${jwksFile}): ${(error as Error).message}`);
  });
  const db = await openAuditDatabase(values['data-dir']);
  try {
    const report = await verifyLog(db, jwks);
    const counts = `${report.records} records, ${report.checkpoints} checkpoints`;
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
