// Writes schema/supergraph.graphql from the subgraphs' SDL; with --check, only compares and exits 1 when
// the committed file is not what a fresh composition gives (CI runs this).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CompositionError, composeSupergraph, SUPERGRAPH_FILE } from '../schema/composeSupergraph.ts';

async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes('--check');
  const file = fileURLToPath(SUPERGRAPH_FILE);
  let composed: string;
  try {
    composed = composeSupergraph();
  } catch (error) {
    if (!(error instanceof CompositionError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  if (!check) {
    await writeFile(file, composed);
    process.stdout.write(`wrote ${file}\n`);
    return 0;
  }
  const committed = await readFile(file, 'utf8').catch(() => undefined);
  if (committed === composed) {
    process.stdout.write(`${file} is up to date\n`);
    return 0;
  }
  process.stderr.write(
    committed === undefined
      ? `${file} is missing: run "node scripts/compose.ts" and commit it.\n`
      : `${file} differs from a fresh composition of schema/*.graphql: run "node scripts/compose.ts" and commit it.\n`,
  );
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
