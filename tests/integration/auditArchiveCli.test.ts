// The monthly archive as an operator runs it, on the embedded store: audit:export --month --detach,
// then audit:verify on the live log, and audit:verify-inclusion on the export file and on one record
// taken from it, with no database; an edited file is refused.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../gateway/src/audit/createAuditStore.ts';
import { type SigningKey, toJwks } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';
import { newKey, record, steppingClock } from '../support/audit/auditTestSupport.ts';
import { runNode } from './auditProcesses.ts';

const VERIFY = 'scripts/auditVerify.ts';
const EXPORT = 'scripts/auditExport.ts';
const INCLUSION = 'scripts/auditVerifyInclusion.ts';
const EMBEDDED = { DATABASE_URL: '' };

let dir: string;
let dataDir: string;
let key: SigningKey;
let jwksFile: string;
let januaryCount: number;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-archive-'));
  key = await newKey('audit-archive-cli');
  jwksFile = join(dir, 'audit.jwks.json');
  await writeFile(jwksFile, JSON.stringify(toJwks([key.publicJwk])));
  dataDir = join(dir, 'audit');
  // From 20 s before February, a clock second per record (and per checkpoint, every 8 records).
  const store = await createAuditStore({
    dataDir,
    checkpointKey: key,
    checkpointEvery: 8,
    checkpointIntervalMs: 0,
    clock: steppingClock(Date.parse('2026-01-31T23:59:40Z')),
    logger: silentLogger(),
  });
  const written = [];
  for (let i = 0; i < 60; i++) written.push(await store.append(record({ requestId: `r${i}` })));
  januaryCount = written.filter((r) => r.at < new Date('2026-02-01T00:00:00Z')).length;
  await store[Symbol.asyncDispose]();
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('audit:export --month on the embedded store', () => {
  const archive = () => join(dir, '2026-01.jsonl');

  it('refuses bad arguments with exit 2 and changes nothing', async () => {
    const noOut = await runNode([EXPORT, '--month', '2026-01', '--detach', '--data-dir', dataDir], EMBEDDED);
    expect(noOut).toMatchObject({ code: 2, stderr: expect.stringContaining('--detach needs --out') });
    const badMonth = await runNode([EXPORT, '--month', '2026-13', '--data-dir', dataDir], EMBEDDED);
    expect(badMonth).toMatchObject({ code: 2, stderr: expect.stringContaining('YYYY-MM') });
    const both = await runNode(
      [EXPORT, '--month', '2026-01', '--from', '2026-01-01', '--data-dir', dataDir],
      EMBEDDED,
    );
    expect(both).toMatchObject({ code: 2, stderr: expect.stringContaining('excludes') });
    const emptyFile = join(dir, 'empty.jsonl');
    const empty = await runNode(
      [EXPORT, '--month', '2025-06', '--out', emptyFile, '--data-dir', dataDir],
      EMBEDDED,
    );
    expect(empty).toMatchObject({ code: 2, stderr: expect.stringContaining('no records in 2025-06') });
    expect(existsSync(emptyFile)).toBe(false);
    const verify = await runNode([VERIFY, '--data-dir', dataDir, '--jwks', jwksFile], EMBEDDED);
    expect(verify.stdout).toMatch(/^audit log intact: 60 records, /);
  });

  it('exports and detaches January; the live log verifies and the file verifies offline', async () => {
    const exported = await runNode(
      [
        EXPORT,
        '--month',
        '2026-01',
        '--out',
        archive(),
        '--detach',
        '--jwks',
        jwksFile,
        '--data-dir',
        dataDir,
      ],
      EMBEDDED,
    );
    expect(exported).toMatchObject({ code: 0, stdout: expect.stringContaining('2026-01 archived to') });
    expect(exported.stdout).toContain(
      'drop audit_records_2026_01_archived and audit_subjects_2026_01_archived',
    );

    const verify = await runNode([VERIFY, '--data-dir', dataDir, '--jwks', jwksFile], EMBEDDED);
    expect(verify).toMatchObject({ code: 0 });
    expect(verify.stdout).toMatch(new RegExp(`^audit log intact: ${60 - januaryCount} records, `));

    const offline = await runNode([INCLUSION, '--archive', archive(), '--jwks', jwksFile]);
    expect(offline).toMatchObject({ code: 0 });
    expect(offline.stdout).toMatch(
      new RegExp(
        `^archive of 2026-01: ${januaryCount} records \\(1–${januaryCount}\\) are in the audit log lienthong/audit`,
      ),
    );

    // One citizen's record, taken from the archive, proven on its own.
    const lines = (await readFile(archive(), 'utf8')).trimEnd().split('\n');
    const event = join(dir, 'event.json');
    await writeFile(event, lines[2]!);
    const one = await runNode([INCLUSION, '--event', event, '--jwks', jwksFile]);
    expect(one).toMatchObject({ code: 0, stdout: expect.stringMatching(/^record 2 is in the audit log /) });
  });

  it('attack: a record edited in the export file is not proven offline', async () => {
    const lines = (await readFile(archive(), 'utf8')).trimEnd().split('\n');
    const line = JSON.parse(lines[3]!) as Record<string, unknown>;
    lines[3] = JSON.stringify({ ...line, dossierId: 'H99.99-000000-0000' });
    const edited = join(dir, 'edited.jsonl');
    await writeFile(edited, `${lines.join('\n')}\n`);
    const result = await runNode([INCLUSION, '--archive', edited, '--jwks', jwksFile]);
    expect(result).toMatchObject({
      code: 1,
      stdout:
        "archive NOT proven: line 4: record 3: the event's dossierId differs from the record in the log\n",
    });
    const again = await runNode(
      [EXPORT, '--month', '2026-01', '--out', join(dir, 'again.jsonl'), '--data-dir', dataDir],
      EMBEDDED,
    );
    expect(again).toMatchObject({ code: 2, stderr: expect.stringContaining('2026-01 is already archived') });
  });
});
