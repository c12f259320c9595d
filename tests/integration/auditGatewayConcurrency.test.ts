// Two gateway processes serving at once, both writing one audit log on a fresh PostgreSQL database:
// every request leaves its record, and `npm run audit:verify` finds the shared chain intact.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgresDatabase } from '../../gateway/src/audit/postgresDatabase.ts';
import { SOURCES } from '../../lib/topology.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { createTestDatabase, type TestDatabase } from './auditPostgres.ts';
import { NODE, runNode } from './auditProcesses.ts';

const PER_GATEWAY = 40;
let stack: Stack;
let database: TestDatabase;
let dir: string;

beforeAll(async () => {
  stack = await startStack();
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-gw-procs-'));
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
  await database?.[Symbol.asyncDispose]();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface GatewayProcess extends AsyncDisposable {
  readonly url: string;
  /** SIGTERM, then the exit code once it has drained and sealed its audit chain. */
  stop(): Promise<number | null>;
}

async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child: ChildProcess = spawn(NODE, ['tests/support/gatewayProcess.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line).url));
    exited.then((code) => reject(new Error(`gateway process exited with ${code} before listening`)));
  });
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exited;
  };
  return { url, stop, [Symbol.asyncDispose]: async () => void (await stop()) };
}

it('two gateway processes writing one PostgreSQL leave a log that audit:verify passes', async () => {
  const env = {
    ...stack.gatewayEnv,
    DATABASE_URL: database.url,
    SUBGRAPH_URLS: SOURCES.map((s) => `${s}=${stack.subgraphs[s].url}`).join(','),
  };
  // Started together, so their migrations race too.
  const gateways = await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]);
  try {
    const answers = await Promise.all(
      gateways.flatMap((gateway, g) =>
        Array.from({ length: PER_GATEWAY }, async (_, i) => {
          const token = await stack.token('population:read', { sub: `gateway-${g}.client` });
          const response = await fetch(`${gateway.url}/graphql`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${token}`,
              'x-procedure-code': '1.003005',
              'x-dossier-id': `H92.31-251121-${g}${String(i).padStart(3, '0')}`,
            },
            body: JSON.stringify({
              query: 'query($id: ID!) { citizen(id: $id) { fullName } }',
              variables: { id: i % 2 === 0 ? FIXTURES.husband : FIXTURES.wife },
            }),
          });
          return response.status;
        }),
      ),
    );
    expect(answers.every((status) => status === 200)).toBe(true);
  } finally {
    for (const code of await Promise.all(gateways.map((g) => g.stop()))) expect(code).toBe(0);
  }

  const jwksFile = join(dir, 'audit.jwks.json');
  await writeFile(jwksFile, JSON.stringify(stack.gatewayJwks));
  const verify = await runNode(['scripts/auditVerify.ts', '--jwks', jwksFile], {
    DATABASE_URL: database.url,
  });
  expect(verify.stderr).toBe('');
  // The last process to stop sealed the chain with a checkpoint over the shared head.
  expect(verify.stdout).toMatch(
    new RegExp(`^audit log intact: ${2 * PER_GATEWAY} records, [1-9]\\d* checkpoints`),
  );
  expect(verify.code).toBe(0);

  // One log holding every record of both writers exactly once (how they interleave is the scheduler's
  // business, not a property of the design).
  await using db = openPostgresDatabase(database.url);
  const { rows } = await db.query('SELECT client_id, request_id FROM audit_records ORDER BY seq');
  const writers = rows.map((row) => String(row['client_id']));
  expect(writers.filter((w) => w === 'gateway-0.client')).toHaveLength(PER_GATEWAY);
  expect(writers.filter((w) => w === 'gateway-1.client')).toHaveLength(PER_GATEWAY);
  expect(new Set(rows.map((row) => String(row['request_id']))).size).toBe(2 * PER_GATEWAY);
});
