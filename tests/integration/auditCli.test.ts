// npm run audit:verify and audit:export as processes, on the embedded store and on PostgreSQL.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../gateway/src/audit/createAuditStore.ts';
import { openPgliteDatabase } from '../../gateway/src/audit/pgliteDatabase.ts';
import { openPostgresDatabase } from '../../gateway/src/audit/postgresDatabase.ts';
import { type SigningKey, toJwks } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';
import { newKey, record, steppingClock } from '../support/audit/auditTestSupport.ts';
import { createTestDatabase } from './auditPostgres.ts';
import { runNode } from './auditProcesses.ts';

const VERIFY = 'scripts/auditVerify.ts';
const EXPORT = 'scripts/auditExport.ts';
const EMBEDDED = { DATABASE_URL: '' };

let dir: string;
let key: SigningKey;
let jwksFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-cli-'));
  key = await newKey('audit-cli');
  jwksFile = join(dir, 'audit.jwks.json');
  await writeFile(jwksFile, JSON.stringify(toJwks([key.publicJwk])));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** 12 records from 2026-01-01T00:00:00Z, a clock second apart; checkpoints after 5 and 10 (each takes a clock second too) and at close. */
async function seed(options: { dataDir?: string; databaseUrl?: string }): Promise<void> {
  const store = await createAuditStore({
    ...options,
    checkpointKey: key,
    checkpointEvery: 5,
    checkpointIntervalMs: 0,
    clock: steppingClock(),
    logger: silentLogger(),
  });
  for (let i = 0; i < 12; i++) await store.append(record({ requestId: `r${i}` }));
  await store[Symbol.asyncDispose]();
}

describe('on the embedded store', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = join(dir, 'audit');
    await seed({ dataDir });
  });

  it('verify says intact and exits 0', async () => {
    const result = await runNode([VERIFY, '--data-dir', dataDir, '--jwks', jwksFile], EMBEDDED);
    expect(result).toMatchObject({ code: 0, stdout: 'audit log intact: 12 records, 3 checkpoints\n' });
  });

  it('export writes the range as JSON Lines, to a file or to stdout', async () => {
    const out = join(dir, 'export.jsonl');
    const range = ['--from', '2026-01-01T00:00:01Z', '--to', '2026-01-01T00:00:05Z'];
    const toFile = await runNode([EXPORT, ...range, '--out', out, '--data-dir', dataDir], EMBEDDED);
    expect(toFile.code).toBe(0);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => r['seq'])).toEqual([2, 3, 4, 5]);
    expect(records[0]).toMatchObject({
      at: '2026-01-01T00:00:01.000Z',
      requestId: 'r1',
      hash: expect.any(String),
    });
    const toStdout = await runNode([EXPORT, ...range, '--data-dir', dataDir], EMBEDDED);
    expect(toStdout.stdout.trimEnd().split('\n')).toEqual(lines);
  });

  it('verify exits 1 naming the first record that was edited', async () => {
    const tampered = join(dir, 'tampered');
    await cp(dataDir, tampered, { recursive: true });
    const db = await openPgliteDatabase(tampered);
    await db.query("UPDATE audit_records SET dossier_id = 'H99' WHERE seq = 4");
    await db[Symbol.asyncDispose]();
    const result = await runNode([VERIFY, '--data-dir', tampered, '--jwks', jwksFile], EMBEDDED);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^audit log NOT intact: record 4 edited: /);
  });

  it('verify exits 1 when the checkpoints were signed by a key the JWKS lacks', async () => {
    const otherJwks = join(dir, 'other.jwks.json');
    await writeFile(otherJwks, JSON.stringify(toJwks([(await newKey('someone-else')).publicJwk])));
    const result = await runNode([VERIFY, '--data-dir', dataDir, '--jwks', otherJwks], EMBEDDED);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/record 5 bad-checkpoint/);
  });

  it('exits 2 when it cannot check: no JWKS file, no database, bad arguments', async () => {
    const noJwks = await runNode(
      [VERIFY, '--data-dir', dataDir, '--jwks', join(dir, 'missing.json')],
      EMBEDDED,
    );
    expect(noJwks).toMatchObject({ code: 2, stderr: expect.stringContaining('--jwks') });
    const noDb = await runNode([VERIFY, '--data-dir', join(dir, 'nowhere'), '--jwks', jwksFile], EMBEDDED);
    expect(noDb).toMatchObject({ code: 2, stderr: expect.stringContaining('no audit database') });
    const badDate = await runNode(
      [EXPORT, '--from', 'last week', '--to', '2026-02-01', '--data-dir', dataDir],
      EMBEDDED,
    );
    expect(badDate).toMatchObject({ code: 2, stderr: expect.stringContaining('--from') });
  });
});

describe('on PostgreSQL', () => {
  it('verify exits 0 on the intact log and 1 once a record is deleted', async () => {
    await using database = await createTestDatabase();
    await seed({ databaseUrl: database.url });
    const env = { DATABASE_URL: database.url };
    expect(await runNode([VERIFY, '--jwks', jwksFile], env)).toMatchObject({ code: 0 });
    const db = openPostgresDatabase(database.url);
    await db.query('DELETE FROM audit_records WHERE seq = 7');
    await db[Symbol.asyncDispose]();
    const result = await runNode([VERIFY, '--jwks', jwksFile], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^audit log NOT intact: record 7 deleted: /);
  });
});
