// The embedded store survives kills: a gateway-like writer process (auditCrashWriter.ts) on one PGlite
// directory is killed with SIGKILL at random moments — while appending, while checkpointing (it signs
// one every few records and every few ms), and while closing after SIGTERM — and restarted, round after
// round. Every restart must open the store, and at the end the log must hold every record whose append
// was acknowledged and pass `npm run audit:verify`.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRange, migrate, verifyLog } from '../../gateway/src/audit/index.ts';
import { openPgliteDatabase } from '../../gateway/src/audit/pgliteDatabase.ts';
import { lockStoreDirectory } from '../../gateway/src/audit/storeLock.ts';
import { generateSigningJwk, publicJwkOf } from '../../lib/keys.ts';
import { NODE, runNode } from './auditProcesses.ts';

const WRITER = 'tests/integration/auditCrashWriter.ts';

/** How a round ends. Each plan runs ROUNDS_PER_PLAN times, in turn, on the same directory. */
type Plan =
  | 'SIGKILL while appending'
  | 'SIGKILL at a random moment (appends and checkpoints)'
  | 'SIGTERM, then SIGKILL during the close'
  | 'SIGTERM, then SIGKILL 1 s later (the operator in the reproduction)';
const PLANS: readonly Plan[] = [
  'SIGKILL while appending',
  'SIGKILL at a random moment (appends and checkpoints)',
  'SIGTERM, then SIGKILL during the close',
  'SIGTERM, then SIGKILL 1 s later (the operator in the reproduction)',
];
// Bounded by the test's time: a restart of PGlite costs about a second of CPU.
const ROUNDS_PER_PLAN = 3;

let dir: string;
let keyFile: string;
let jwks: { keys: object[] };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-crash-'));
  const jwk = await generateSigningJwk('EdDSA', 'audit-crash');
  keyFile = join(dir, 'audit.jwk.json');
  await writeFile(keyFile, JSON.stringify(jwk));
  jwks = { keys: [publicJwkOf(jwk)] };
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the embedded audit store killed at random moments', () => {
  it('always reopens and keeps every acknowledged record, round after round', {
    timeout: 300_000,
  }, async () => {
    const dataDir = join(dir, 'audit');
    const seed = Number(process.env['AUDIT_CRASH_SEED']) || Date.now();
    const random = mulberry32(seed);
    const acknowledged = new Set<string>();
    const rounds = PLANS.flatMap((plan) => Array.from({ length: ROUNDS_PER_PLAN }, () => plan));
    for (const [round, plan] of shuffle(rounds, random).entries()) {
      const context = `round ${round} (${plan}), seed ${seed}`;
      const writer = startWriter(dataDir, `r${round}`, acknowledged);
      // The restart after the previous round's kill: the store must open.
      expect(await writer.ready, `the store did not open at ${context}: ${writer.stderr()}`).toBe(true);
      await killAsPlanned(writer, plan, random);
      await writer.exited;
    }

    const db = await openPgliteDatabase(dataDir);
    const stored = new Set<string>();
    try {
      await migrate(db);
      for await (const record of exportRange(db, new Date(0), new Date(Date.now() + 60_000))) {
        stored.add(record.requestId);
      }
      expect((await verifyLog(db, jwks)).ok, `seed ${seed}`).toBe(true);
    } finally {
      await db[Symbol.asyncDispose]();
    }
    const lost = [...acknowledged].filter((id) => !stored.has(id));
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(lost, `acknowledged records lost, seed ${seed}`).toEqual([]);

    const jwksFile = join(dir, 'audit.jwks.json');
    await writeFile(jwksFile, JSON.stringify(jwks));
    const verify = await runNode(['scripts/auditVerify.ts', '--jwks', jwksFile, '--data-dir', dataDir], {
      DATABASE_URL: '',
    });
    expect(verify.stdout).toMatch(
      new RegExp(`^audit log intact: ${stored.size} records, \\d+ checkpoints\\n$`),
    );
    expect(verify.code).toBe(0);
  });
});

describe('the embedded audit store stopped with SIGTERM', () => {
  it('finishes the appends in flight, closes PGlite and releases the lock, losing nothing', {
    timeout: 120_000,
  }, async () => {
    const dataDir = join(dir, 'stopped');
    const acknowledged = new Set<string>();
    const writer = startWriter(dataDir, 'stop', acknowledged);
    expect(await writer.ready, writer.stderr()).toBe(true);
    await writer.acks(20);
    writer.child.kill('SIGTERM');
    await writer.exited;
    expect(writer.child.exitCode, writer.stderr()).toBe(0);

    // Released by the close, not by the process's death: the lock file names no holder.
    const lock = await lockStoreDirectory(dataDir);
    expect(lock.previousHolder).toBeUndefined();
    await lock[Symbol.asyncDispose]();
    const db = await openPgliteDatabase(dataDir);
    try {
      const stored = new Set<string>();
      for await (const record of exportRange(db, new Date(0), new Date(Date.now() + 60_000))) {
        stored.add(record.requestId);
      }
      expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);
      expect((await verifyLog(db, jwks)).ok).toBe(true);
    } finally {
      await db[Symbol.asyncDispose]();
    }
  });
});

interface Writer {
  readonly child: ChildProcess;
  /** True once the store is open and appending; false if the process ended first. */
  readonly ready: Promise<boolean>;
  readonly exited: Promise<void>;
  /** Resolves once this process has acknowledged `count` appends (or has ended). */
  acks(count: number): Promise<void>;
  stderr(): string;
}

function startWriter(dataDir: string, name: string, acknowledged: Set<string>): Writer {
  const child = spawn(NODE, [WRITER, keyFile, dataDir, name], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let own = 0;
  let waiting: { count: number; resolve: () => void } | undefined;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const ready = new Promise<boolean>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') resolve(true);
      if (!line.startsWith('ack ')) return;
      acknowledged.add(line.slice(4));
      own += 1;
      if (waiting && own >= waiting.count) waiting.resolve();
    });
    void exited.then(() => resolve(false));
  });
  return {
    child,
    ready,
    exited,
    acks: (count) =>
      Promise.race([
        exited,
        new Promise<void>((resolve) => {
          if (own >= count) resolve();
          else waiting = { count, resolve };
        }),
      ]),
    stderr: () => stderr,
  };
}

async function killAsPlanned(writer: Writer, plan: Plan, random: () => number): Promise<void> {
  const { child } = writer;
  const kill = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  switch (plan) {
    case 'SIGKILL while appending':
      await writer.acks(1 + Math.floor(random() * 60));
      kill('SIGKILL');
      return;
    case 'SIGKILL at a random moment (appends and checkpoints)':
      await writer.acks(1);
      await after(random() * 300);
      kill('SIGKILL');
      return;
    case 'SIGTERM, then SIGKILL during the close':
      await writer.acks(1 + Math.floor(random() * 20));
      kill('SIGTERM');
      await after(random() * 150);
      kill('SIGKILL');
      return;
    case 'SIGTERM, then SIGKILL 1 s later (the operator in the reproduction)':
      await writer.acks(1 + Math.floor(random() * 20));
      kill('SIGTERM');
      await after(1_000);
      kill('SIGKILL');
      return;
  }
}

/** A small seeded generator: a failing run's seed (in its message) replays it via AUDIT_CRASH_SEED. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
