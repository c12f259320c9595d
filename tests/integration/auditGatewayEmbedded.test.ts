// The gateway process on its embedded audit store: a second gateway started on the same directory is
// refused (and the first keeps serving), and SIGTERM with requests in flight closes the store cleanly
// with a record for every answer sent.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRange } from '../../gateway/src/audit/index.ts';
import { openPgliteDatabase } from '../../gateway/src/audit/pgliteDatabase.ts';
import { lockStoreDirectory } from '../../gateway/src/audit/storeLock.ts';
import { SOURCES } from '../../lib/topology.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { NODE, runNode } from './auditProcesses.ts';

const IN_FLIGHT = 24;
let stack: Stack;
let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  stack = await startStack();
  dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-gw-embedded-'));
  env = {
    ...stack.gatewayEnv,
    DATABASE_URL: '',
    AUDIT_DATA_DIR: join(dir, 'audit'),
    SUBGRAPH_URLS: SOURCES.map((s) => `${s}=${stack.subgraphs[s].url}`).join(','),
  };
}, 120_000);
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface GatewayProcess {
  readonly child: ChildProcess;
  /** The URL once it listens, or the exit code and stderr if it ended first. */
  readonly started: Promise<{ url: string } | { code: number | null; stderr: string }>;
  readonly exited: Promise<number | null>;
}

function startGatewayProcess(): GatewayProcess {
  const child = spawn(NODE, ['tests/support/gatewayProcess.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const started = new Promise<{ url: string } | { code: number | null; stderr: string }>((resolve) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ url: JSON.parse(line).url }));
    void exited.then((code) => resolve({ code, stderr }));
  });
  return { child, started, exited };
}

/** One lookup; its status, and the gateway's id of the request (the one its audit record carries). */
async function ask(url: string, token?: string): Promise<{ status: number; requestId: string | null }> {
  token ??= await stack.token('population:read');
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'x-procedure-code': '1.003005',
      'x-dossier-id': 'H92.31-251121-0042',
    },
    body: JSON.stringify({
      query: 'query($id: ID!) { citizen(id: $id) { fullName } }',
      variables: { id: FIXTURES.husband },
    }),
  }).catch(() => undefined);
  await response?.arrayBuffer();
  return { status: response?.status ?? 0, requestId: response?.headers.get('x-request-id') ?? null };
}

describe('the gateway on its embedded audit store', () => {
  it('refuses to start a second gateway on the same directory, naming the first, which keeps serving; SIGTERM with requests in flight leaves a record for every answer and a cleanly closed store', {
    timeout: 180_000,
  }, async () => {
    const first = startGatewayProcess();
    try {
      const running = await first.started;
      if (!('url' in running)) throw new Error(`the gateway did not start: ${running.stderr}`);
      const before = await ask(running.url);
      expect(before.status).toBe(200);

      const second = startGatewayProcess();
      const refused = await second.started;
      expect(refused).toMatchObject({ code: 1 });
      expect('stderr' in refused && refused.stderr).toContain(
        `the embedded audit store ${env['AUDIT_DATA_DIR']} is open in process ${first.child.pid}`,
      );
      const after = await ask(running.url);
      expect(after.status).toBe(200);

      // Requests in flight when SIGTERM arrives (sent as the first of them is answered): each one
      // answered 200 must have its record.
      const token = await stack.token('population:read');
      const answers = Array.from({ length: IN_FLIGHT }, () => ask(running.url, token));
      await Promise.race(answers);
      first.child.kill('SIGTERM');
      const results = await Promise.all(answers);
      expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      expect(await first.exited).toBe(0);

      const lock = await lockStoreDirectory(env['AUDIT_DATA_DIR']!);
      expect(lock.previousHolder).toBeUndefined();
      await lock[Symbol.asyncDispose]();
      const db = await openPgliteDatabase(env['AUDIT_DATA_DIR']!);
      const recorded = new Set<string>();
      try {
        for await (const record of exportRange(db, new Date(0), new Date(Date.now() + 60_000))) {
          recorded.add(record.requestId);
        }
      } finally {
        await db[Symbol.asyncDispose]();
      }
      const answered = results.flatMap((r) => (r.status === 200 ? [r.requestId] : []));
      expect(answered.every((id) => id !== null)).toBe(true);
      expect(answered.filter((id) => !recorded.has(id as string))).toEqual([]);
      expect(recorded).toContain(before.requestId);
      expect(recorded).toContain(after.requestId);

      const jwksFile = join(dir, 'audit.jwks.json');
      await writeFile(jwksFile, JSON.stringify(stack.gatewayJwks));
      const verify = await runNode(
        ['scripts/auditVerify.ts', '--jwks', jwksFile, '--data-dir', env['AUDIT_DATA_DIR']!],
        { DATABASE_URL: '' },
      );
      expect(verify.stdout).toMatch(new RegExp(`^audit log intact: ${recorded.size} records`));
      expect(verify.code).toBe(0);
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
    }
  });
});
