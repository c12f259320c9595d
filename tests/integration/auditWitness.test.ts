// The witness and the verifier against an insider with write access to PostgreSQL. A log of 25 records
// (checkpoints at 10 and 20, then 25) is served through the gateway's proof handler and watched by a
// witness; then each attack is made with SQL, and `audit:verify --witness` must report it. Three attacks
// leave a log that verifies without the witness — deleting the newest records with their checkpoints,
// rewriting history and recomputing every hash with the checkpoints deleted — and the witness alone
// exposes them; a fork (history rewritten, then new heads signed with the real key) is caught by
// the witness process itself.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteSignerOf } from '../../gateway/src/audit/checkpoint.ts';
import { auditStoreOn } from '../../gateway/src/audit/createAuditStore.ts';
import { migrate } from '../../gateway/src/audit/migrations.ts';
import { openPostgresDatabase } from '../../gateway/src/audit/postgresDatabase.ts';
import type { SqlDatabase } from '../../gateway/src/audit/sqlDatabase.ts';
import type { AuditStore } from '../../gateway/src/audit/types.ts';
import { createWitness, loadOrCreateWitnessKey } from '../../gateway/src/audit/witness.ts';
import { checkpointIfBehind, extendTree } from '../../gateway/src/audit/writeBatch.ts';
import { createAuditProofHandler } from '../../gateway/src/auditProofs/createAuditProofHandler.ts';
import { type SigningKey, toJwks } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';
import { newKey, record, steppingClock } from '../support/audit/auditTestSupport.ts';
import { rechain, seedTamperLog, type TamperAttack, tamperAttacks } from '../support/audit/tamperContract.ts';
import { createTestDatabase, type TestDatabase } from './auditPostgres.ts';
import { NODE, runNode } from './auditProcesses.ts';

const TOKEN = 'witness-test-token';

let database: TestDatabase;
let dir: string;
let key: SigningKey;
let jwksFile: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'lienthong-witness-'));
  key = await newKey('audit-witnessed');
  jwksFile = join(dir, 'gateway.jwks.json');
  await writeFile(jwksFile, JSON.stringify(toJwks([key.publicJwk])));
});
afterAll(async () => {
  await database?.[Symbol.asyncDispose]();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Watched extends AsyncDisposable {
  readonly db: SqlDatabase;
  readonly store: AuditStore;
  readonly url: string;
  readonly stateDir: string;
  readonly keyFile: string;
  readonly poll: () => Promise<unknown>;
}

/** A fresh log of 25 records behind the proof handler, a witness that accepted heads 20 and 25. */
async function watchedLog(name: string): Promise<Watched> {
  const db = openPostgresDatabase(database.url);
  await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await migrate(db);
  const store = auditStoreOn(db, {
    checkpointKey: key,
    checkpointEvery: 10,
    checkpointIntervalMs: 0,
    clock: steppingClock(),
    logger: silentLogger(),
  });
  const handler = createAuditProofHandler({
    store,
    verify: async (authorization) => {
      if (authorization !== `Bearer ${TOKEN}`) throw new Error('unauthenticated');
      return { clientId: 'thanh-tra.witness', scopes: new Set(['audit:read']), expiresAt: 0 };
    },
    logger: silentLogger(),
  });
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/.well-known/jwks.json')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(toJwks([key.publicJwk])));
      return;
    }
    void handler(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stateDir = await mkdtemp(join(dir, `${name}-`));
  const keyFile = join(stateDir, 'witness.private.jwk.json');
  const witness = createWitness({
    gateway: url,
    stateDir,
    key: await loadOrCreateWitnessKey(keyFile),
    token: TOKEN,
  });
  await seedTamperLog({ store, db, key });
  await witness.poll();
  await checkpointIfBehind(db, {
    signer: noteSignerOf(key),
    origin: 'lienthong/audit',
    now: () => new Date(),
  });
  await witness.poll();
  return {
    db,
    store,
    url,
    stateDir,
    keyFile,
    poll: () => witness.poll(),
    async [Symbol.asyncDispose]() {
      server.close();
      await store[Symbol.asyncDispose]();
    },
  };
}

const verifyCli = (stateDir: string) =>
  runNode(['scripts/auditVerify.ts', '--jwks', jwksFile, '--witness', stateDir], {
    DATABASE_URL: database.url,
  });

/** What an insider does after editing: rebuild the stored tree from the (edited) records. */
async function rebuildTree(db: SqlDatabase): Promise<void> {
  await db.query('DELETE FROM audit_tree');
  await db.query("UPDATE audit_head SET tree_size = 0, frontier = '{}'");
  await extendTree(db);
}

describe('audit:verify --witness', () => {
  it('says intact on an untouched log, counting the witnessed heads', async () => {
    await using log = await watchedLog('intact');
    const result = await verifyCli(log.stateDir);
    expect(result).toMatchObject({
      code: 0,
      stdout: 'audit log intact: 25 records, 3 checkpoints, 2 witnessed heads\n',
    });
  });

  const attacks: TamperAttack[] = tamperAttacks();
  it.each(attacks.map((a) => [a.name, a] as const))('detects %s', async (_, attack) => {
    await using log = await watchedLog('attack');
    await attack.run({ store: log.store, db: log.db, key });
    const result = await verifyCli(log.stateDir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^audit log NOT intact: record \d+ (edited|deleted|inserted|reordered|bad-checkpoint): /,
    );
  });

  it('detects the deletion of the last 10 records with their checkpoints and tree, which alone verifies', async () => {
    await using log = await watchedLog('tail');
    const { db } = log;
    await db.query('DELETE FROM audit_records WHERE seq > 15');
    await db.query('DELETE FROM audit_subjects WHERE seq > 15');
    await db.query('DELETE FROM audit_checkpoints WHERE seq > 15');
    await db.query(
      'UPDATE audit_head SET seq = 15, checkpoint_seq = 10, hash = (SELECT hash FROM audit_records WHERE seq = 15)',
    );
    await rebuildTree(db);
    expect(await log.store.verify()).toMatchObject({ ok: true, records: 15 });
    const result = await verifyCli(log.stateDir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /record 16 deleted: a witness accepted a checkpoint of 25 records, the log ends at 15|missing from the log/,
    );
  });

  it('detects a history rewritten with every hash recomputed and every checkpoint deleted, which alone verifies', async () => {
    await using log = await watchedLog('rewrite');
    const { db } = log;
    await db.query("UPDATE audit_records SET client_id = 'someone-else' WHERE seq = 5");
    await rechain(db, 5);
    await rebuildTree(db);
    await db.query('DELETE FROM audit_checkpoints');
    await db.query('UPDATE audit_head SET checkpoint_seq = 0');
    expect(await log.store.verify()).toMatchObject({ ok: true, records: 25, checkpoints: 0 });
    const result = await verifyCli(log.stateDir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^audit log NOT intact: record \d+ (edited|bad-checkpoint): /);
  });
});

describe('audit:witness', () => {
  it('accepts a growing log, cosigning each head it keeps', async () => {
    await using log = await watchedLog('growing');
    for (let i = 0; i < 3; i++) await log.store.append(record({ requestId: `more-${i}` }));
    await checkpointIfBehind(log.db, {
      signer: noteSignerOf(key),
      origin: 'lienthong/audit',
      now: () => new Date(),
    });
    const run = await runNode(
      [
        'scripts/auditWitness.ts',
        '--gateway',
        log.url,
        '--state',
        log.stateDir,
        '--key',
        log.keyFile,
        '--once',
      ],
      { AUDIT_WITNESS_TOKEN: TOKEN },
    );
    expect(run.code).toBe(0);
    expect(await readFile(join(log.stateDir, 'latest.note'), 'utf8')).toMatch(/^lienthong\/audit\n28\n/);
    expect(await readFile(join(log.stateDir, 'metrics.prom'), 'utf8')).toMatch(/lienthong_witness_alarm 0\n/);
    expect((await verifyCli(log.stateDir)).code).toBe(0);
  });

  it('reads its token file again before each poll, so a token rotated while it runs is used', async () => {
    await using log = await watchedLog('rotated');
    for (let i = 0; i < 3; i++) await log.store.append(record({ requestId: `rotated-${i}` }));
    await checkpointIfBehind(log.db, {
      signer: noteSignerOf(key),
      origin: 'lienthong/audit',
      now: () => new Date(),
    });
    const tokenFile = join(log.stateDir, 'token');
    await writeFile(tokenFile, 'an-expired-token\n');
    const child = spawn(
      NODE,
      [
        'scripts/auditWitness.ts',
        ...['--gateway', log.url, '--state', log.stateDir, '--key', log.keyFile],
        ...['--token-file', tokenFile, '--interval-seconds', '0.1'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      const lineWith = async (text: string) => {
        for (let next = await lines.next(); !next.done; next = await lines.next())
          if (next.value.includes(text)) return;
        throw new Error(`the witness exited before logging "${text}"`);
      };
      // The old token is refused: the witness says so and goes on polling.
      await lineWith('checkpoint not checked');
      await writeFile(tokenFile, `${TOKEN}\n`);
      await lineWith('checkpoint accepted');
      expect(await readFile(join(log.stateDir, 'latest.note'), 'utf8')).toMatch(/^lienthong\/audit\n28\n/);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('raises the alarm on a fork: history rewritten after it saw it, then new heads signed with the real key', async () => {
    await using log = await watchedLog('fork');
    const { db, store } = log;
    await db.query("UPDATE audit_records SET outcome = 'denied' WHERE seq = 12");
    await rechain(db, 12);
    await rebuildTree(db);
    await db.query('DELETE FROM audit_checkpoints');
    await db.query('UPDATE audit_head SET checkpoint_seq = 0');
    for (let i = 0; i < 5; i++) await store.append(record({ requestId: `after-${i}` }));
    await checkpointIfBehind(db, {
      signer: noteSignerOf(key),
      origin: 'lienthong/audit',
      now: () => new Date(),
    });

    const run = await runNode(
      [
        'scripts/auditWitness.ts',
        '--gateway',
        log.url,
        '--state',
        log.stateDir,
        '--key',
        log.keyFile,
        '--once',
      ],
      { AUDIT_WITNESS_TOKEN: TOKEN },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /ALARM \(fork\): the tree of 30 records does not extend the accepted tree of 25/,
    );
    expect(await readFile(join(log.stateDir, 'metrics.prom'), 'utf8')).toMatch(/lienthong_witness_alarm 1\n/);
    // The head it refused is not kept; the alarm stands for the next run too.
    expect(await readFile(join(log.stateDir, 'latest.note'), 'utf8')).toMatch(/^lienthong\/audit\n25\n/);
    const again = await runNode(
      [
        'scripts/auditWitness.ts',
        '--gateway',
        log.url,
        '--state',
        log.stateDir,
        '--key',
        log.keyFile,
        '--once',
      ],
      { AUDIT_WITNESS_TOKEN: TOKEN },
    );
    expect(again.code).toBe(1);
    expect((await verifyCli(log.stateDir)).code).toBe(1);
  });

  it('logs an unreachable gateway and exits 2 without an alarm; verify refuses heads not cosigned by the witness', async () => {
    await using log = await watchedLog('unreachable');
    const run = await runNode(
      [
        'scripts/auditWitness.ts',
        '--gateway',
        'http://127.0.0.1:9',
        '--state',
        log.stateDir,
        '--key',
        log.keyFile,
        '--once',
      ],
      { AUDIT_WITNESS_TOKEN: TOKEN },
    );
    expect(run.code).toBe(2);
    await expect(readFile(join(log.stateDir, 'ALARM'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    // A head planted in the witness's directory without its cosignature is not taken as witnessed.
    const planted = join(log.stateDir, 'checkpoints', '25.note');
    const note = await readFile(planted, 'utf8');
    await writeFile(planted, note.slice(0, note.lastIndexOf('\u2014 ')));
    const verify = await verifyCli(log.stateDir);
    expect(verify.code).toBe(2);
    expect(verify.stderr).toMatch(/does not carry the witness's cosignature/);
  });

  it('raises the alarm on a changed origin', async () => {
    await using log = await watchedLog('origin');
    await log.store.append(record({ requestId: 'renamed' }));
    await checkpointIfBehind(log.db, {
      signer: noteSignerOf(key),
      origin: 'another/log',
      now: () => new Date(),
    });
    await expect(log.poll()).rejects.toMatchObject({ reason: 'origin' });
  });

  it('raises the alarm on a shrinking tree and on a checkpoint signed by another key', async () => {
    await using log = await watchedLog('shrink');
    const other = await newKey('not-the-gateway');
    await log.db.query('DELETE FROM audit_checkpoints WHERE seq > 20');
    await expect(log.poll()).rejects.toMatchObject({ reason: 'shrink' });
    await using forged = await watchedLog('forged');
    await checkpointIfBehind(forged.db, {
      signer: noteSignerOf(other),
      origin: 'lienthong/audit',
      now: () => new Date(),
    });
    await forged.store.append(record({ requestId: 'x' }));
    await checkpointIfBehind(forged.db, {
      signer: noteSignerOf(other),
      origin: 'lienthong/audit',
      now: () => new Date(),
    });
    await expect(forged.poll()).rejects.toMatchObject({ reason: 'bad-signature' });
  });
});
