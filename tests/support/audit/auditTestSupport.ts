// Helpers shared by the audit store's contract suites: a fresh database per test, a store over it,
// a deterministic clock and a sample record.

import { type AuditStoreOptions, auditStoreOn } from '../../../gateway/src/audit/createAuditStore.ts';
import { migrate } from '../../../gateway/src/audit/migrations.ts';
import type { SqlDatabase } from '../../../gateway/src/audit/sqlDatabase.ts';
import type { AuditRecordInput, AuditStore } from '../../../gateway/src/audit/types.ts';
import { generateSigningJwk, type SigningKey, signingKeyFromJwk } from '../../../lib/keys.ts';
import { silentLogger } from '../../../lib/logger.ts';

export interface FreshDatabase {
  readonly db: SqlDatabase;
  /** Removes what the harness created (temp dir, database); runs after the store is closed. */
  readonly cleanup: () => Promise<void>;
}

export type FreshDatabaseFactory = () => Promise<FreshDatabase>;

export interface StoreUnderTest {
  readonly store: AuditStore;
  /** The store's own database, for reading and tampering with rows directly. */
  readonly db: SqlDatabase;
  readonly key: SigningKey;
}

export const newKey = async (kid: string) => signingKeyFromJwk(await generateSigningJwk('EdDSA', kid));

/** A clock that moves one second per reading from 2026-01-01T00:00:00Z, so every record's time differs. */
export function steppingClock(start = Date.parse('2026-01-01T00:00:00Z')): () => Date {
  let t = start;
  return () => {
    const now = new Date(t);
    t += 1000;
    return now;
  };
}

export async function withStore(
  fresh: FreshDatabaseFactory,
  options: Partial<AuditStoreOptions>,
  test: (s: StoreUnderTest) => Promise<void>,
): Promise<void> {
  const { db, cleanup } = await fresh();
  try {
    await migrate(db);
    const key = options.checkpointKey ?? (await newKey('audit-test-1'));
    const store = auditStoreOn(db, {
      logger: silentLogger(),
      checkpointIntervalMs: 0,
      clock: steppingClock(),
      ...options,
      checkpointKey: key,
    });
    try {
      await test({ store, db, key });
    } finally {
      await store[Symbol.asyncDispose]();
    }
  } finally {
    await cleanup();
  }
}

export function record(overrides: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    requestId: 'req-1',
    clientId: 'ubnd-hanoi.motcua',
    officer: 'officer-a',
    procedureCode: '1.004227',
    dossierId: 'H26.01-251121-0042',
    operationName: 'Lookup',
    operationHash: 'a'.repeat(64),
    fields: ['Citizen.fullName', 'Citizen.dateOfBirth'],
    denied: [],
    subjects: ['001099000001'],
    sources: ['population'],
    outcome: 'ok',
    durationMs: 12.5,
    ...overrides,
  };
}
