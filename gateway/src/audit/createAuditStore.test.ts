// The factory end to end on a fresh PGlite directory: migrations from nothing, records that survive a
// restart, and a second start that finds the schema already migrated.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '../../../lib/logger.ts';
import { newKey, record } from '../../../tests/support/audit/auditTestSupport.ts';
import { createAuditStore } from './createAuditStore.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

it('keeps records across a restart of the embedded store', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-'));
  dirs.push(dir);
  const checkpointKey = await newKey('audit-restart');
  const options = { dataDir: join(dir, 'audit'), checkpointKey, checkpointEvery: 2, logger: silentLogger() };

  const first = await createAuditStore(options);
  await Promise.all([first.append(record({ requestId: 'a' })), first.append(record({ requestId: 'b' }))]);
  await first[Symbol.asyncDispose]();

  const second = await createAuditStore(options);
  try {
    const third = await second.append(record({ requestId: 'c' }));
    expect(third.seq).toBe(3);
    expect(await second.verify()).toEqual({ ok: true, records: 3, checkpoints: 1 });
    const page = await second.query({});
    expect(page.edges.map((e) => e.node.id)).toEqual(['3', '2', '1']);
  } finally {
    await second[Symbol.asyncDispose]();
  }
});
