// Two gateway processes serving at once, both writing one audit log on a fresh PostgreSQL database:
// every request leaves its record, `npm run audit:verify` finds the shared log intact against the
// head a witness accepted, and every record's inclusion proof and every consistency proof verify.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyConsistency } from '../../gateway/src/audit/merkle.ts';
import { openPostgresDatabase } from '../../gateway/src/audit/postgresDatabase.ts';
import { proofReaders } from '../../gateway/src/audit/proofs.ts';
import type { SigningKey } from '../../lib/keys.ts';
import { SOURCES } from '../../lib/topology.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { checkedCheckpoint, sigstoreInclusionHolds } from '../support/audit/proofContract.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { createTestDatabase, type TestDatabase } from './auditPostgres.ts';
import { NODE, runNode } from './auditProcesses.ts';

const PER_GATEWAY = 40;
const WAVES = 4;
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

it('two gateway processes writing one PostgreSQL leave a log that audit:verify passes and whose proofs verify', async () => {
  const env = {
    ...stack.gatewayEnv,
    DATABASE_URL: database.url,
    AUDIT_CHECKPOINT_SECONDS: '1',
    SUBGRAPH_URLS: SOURCES.map((s) => `${s}=${stack.subgraphs[s].url}`).join(','),
  };
  // Started together, so their migrations race too.
  const gateways = await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]);
  const witnessDir = join(dir, 'witness');
  try {
    // In waves, both gateways at once in each: every wave's records lie between the previous wave's
    // and the next's, and each holds both writers, so the chain interleaves them however loaded the
    // machine is (one burst could be written as two runs, one per writer).
    const answers: number[] = [];
    for (let wave = 0; wave < WAVES; wave++) {
      const statuses = await Promise.all(
        gateways.flatMap((gateway, g) =>
          Array.from({ length: PER_GATEWAY / WAVES }, async (_, w) => {
            const i = wave * (PER_GATEWAY / WAVES) + w;
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
      answers.push(...statuses);
    }
    expect(answers).toHaveLength(2 * PER_GATEWAY);
    expect(answers.every((status) => status === 200)).toBe(true);
    // A witness watching one replica sees the heads both write, once a checkpoint covers them all.
    while (
      !(await (await fetch(`${gateways[1]!.url}/audit/checkpoint`)).text()).includes(`\n${2 * PER_GATEWAY}\n`)
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const witness = await runNode(
      [
        'scripts/auditWitness.ts',
        '--gateway',
        gateways[0]!.url,
        '--state',
        witnessDir,
        '--key',
        join(dir, 'witness.jwk.json'),
        '--once',
      ],
      { AUDIT_WITNESS_TOKEN: await stack.token('audit:read', { sub: 'thanh-tra.witness' }) },
    );
    expect(witness.code).toBe(0);
  } finally {
    for (const code of await Promise.all(gateways.map((g) => g.stop()))) expect(code).toBe(0);
  }

  const jwksFile = join(dir, 'audit.jwks.json');
  await writeFile(jwksFile, JSON.stringify(stack.gatewayJwks));
  const verify = await runNode(['scripts/auditVerify.ts', '--jwks', jwksFile, '--witness', witnessDir], {
    DATABASE_URL: database.url,
  });
  expect(verify.stderr).toBe('');
  // The last process to stop sealed the chain with a checkpoint over the shared head.
  expect(verify.stdout).toMatch(
    new RegExp(`^audit log intact: ${2 * PER_GATEWAY} records, [1-9]\\d* checkpoints, 1 witnessed heads`),
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

  // Every record of both writers is provably in the last signed tree, which extends every earlier one.
  const proofs = proofReaders(db);
  const last = checkedCheckpoint((await proofs.checkpoint())!, keyOf(stack.gatewayJwks));
  expect(last.size).toBe(2 * PER_GATEWAY);
  for (let index = 0; index < last.size; index++) {
    expect(sigstoreInclusionHolds(await proofs.inclusionProof(index, last.size), last.root)).toBe(true);
  }
  const notes = await db.query('SELECT note FROM audit_checkpoints ORDER BY seq');
  for (const row of notes.rows) {
    const head = checkedCheckpoint(String(row['note']), keyOf(stack.gatewayJwks));
    const { hashes } = await proofs.consistencyProof(head.size, last.size);
    const bytes = hashes.map((h) => Buffer.from(h, 'base64'));
    expect(verifyConsistency(head.size, last.size, head.root, last.root, bytes)).toBe(true);
  }
});

/** The audit key among the gateway's published keys, as checkedCheckpoint takes it. */
const keyOf = (jwks: JSONWebKeySet) =>
  ({ publicJwk: jwks.keys.find((k) => k.kid === 'test-audit-key')! }) as SigningKey;
