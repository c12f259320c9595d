// Two gateway processes writing to one PostgreSQL at once, starting on an empty database (so they
// also migrate at once): the log they leave has dense seqs, chains, and passes audit:verify.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateSigningJwk, signingKeyFromJwk, toJwks } from '../../lib/keys.ts';
import { createTestDatabase, type TestDatabase } from './auditPostgres.ts';
import { runNode } from './auditProcesses.ts';

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-procs-'));
});
afterAll(async () => {
  await database?.[Symbol.asyncDispose]();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('two processes appending at once leave a log that verifies', async () => {
  const jwk = await generateSigningJwk('EdDSA', 'audit-procs');
  const keyFile = join(dir, 'audit.private.jwk.json');
  const jwksFile = join(dir, 'audit.jwks.json');
  await writeFile(keyFile, JSON.stringify(jwk));
  await writeFile(jwksFile, JSON.stringify(toJwks([(await signingKeyFromJwk(jwk)).publicJwk])));
  const env = { DATABASE_URL: database.url };
  const writer = 'tests/integration/auditWriterProcess.ts';

  const results = await Promise.all([
    runNode([writer, keyFile, 'writer-a', '400'], env),
    runNode([writer, keyFile, 'writer-b', '400'], env),
  ]);
  for (const result of results) expect(result.stderr).toBe('');
  const seqs = results.flatMap((r) => JSON.parse(r.stdout) as number[]).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: 800 }, (_, i) => i + 1));

  const verdict = await runNode(['scripts/auditVerify.ts', '--jwks', jwksFile], env);
  expect(verdict.stdout).toMatch(/^audit log intact: 800 records, \d+ checkpoints\n$/);
  expect(verdict.code).toBe(0);
});
