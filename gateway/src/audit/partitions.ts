// The monthly partitions of audit_records and audit_subjects (migration 004). A record can only be
// inserted once its month's partitions exist, so the store keeps in memory the months it knows exist:
// the common batch costs no database round trip for this. At start the current and next months are
// created; a batch whose month is not known creates it in its own transaction (once per month and
// process), and a batch that enters a month creates the following one in the background, off the
// write path, so that the month after is ready before its first record.
import type { SqlDatabase, SqlExecutor } from './sqlDatabase.ts';

/** `YYYY-MM` of a date, in UTC. */
export const monthOf = (at: Date): string => at.toISOString().slice(0, 7);

/** The first instant of a `YYYY-MM` month, UTC. */
export const monthStart = (month: string): Date => new Date(`${month}-01T00:00:00Z`);

export function nextMonth(month: string): string {
  const start = monthStart(month);
  start.setUTCMonth(start.getUTCMonth() + 1);
  return monthOf(start);
}

/** `2026-01` → `audit_records_2026_01` (the partition names migration 004 gives). */
export const partitionName = (table: 'audit_records' | 'audit_subjects', month: string) =>
  `${table}_${month.replace('-', '_')}`;

/** The months whose partitions are attached now. */
export async function attachedMonths(db: SqlExecutor): Promise<string[]> {
  const { rows } = await db.query<{ relname: string }>(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'audit_records'::regclass`,
  );
  return rows
    .map((r) => /^audit_records_(\d{4})_(\d{2})$/.exec(r.relname))
    .filter((m) => m !== null)
    .map((m) => `${m[1]}-${m[2]}`)
    .sort();
}

/** Creates the month's partitions unless they exist, in the caller's transaction. */
export async function ensureMonth(tx: SqlExecutor, month: string): Promise<void> {
  await tx.query('SELECT audit_ensure_month($1::timestamptz)', [monthStart(month)]);
}

// How long the background creation waits for its lock before giving up until the next batch: it must
// never queue writers behind it for long.
const BACKGROUND_LOCK_TIMEOUT = '2s';

export class PartitionCalendar {
  readonly #db: SqlDatabase;
  readonly #known = new Set<string>();
  #ahead: Promise<void> | undefined;
  readonly #onError: (error: unknown) => void;

  constructor(db: SqlDatabase, onError: (error: unknown) => void = () => {}) {
    this.#db = db;
    this.#onError = onError;
  }

  /** Creates the partitions of the months of `now` (the system clock) and after, and learns which exist. */
  async start(now: Date): Promise<void> {
    const current = monthOf(now);
    await this.#db.transaction(async (tx) => {
      await ensureMonth(tx, current);
      await ensureMonth(tx, nextMonth(current));
    });
    for (const month of await attachedMonths(this.#db)) this.#known.add(month);
  }

  /** The months of `ats` whose partitions this process has not seen yet (in memory, no round trip). */
  missing(ats: readonly Date[]): string[] {
    const months = new Set(ats.map(monthOf));
    return [...months].filter((m) => !this.#known.has(m));
  }

  /**
   * After a batch committed: the months it created exist, and for each month it wrote in, the month
   * after is created in the background unless it is known to exist (a Set lookup in the common case).
   */
  committed(ats: readonly Date[], created: readonly string[]): void {
    for (const month of created) this.#known.add(month);
    for (const month of new Set(ats.map(monthOf))) this.prepareAfter(month);
  }

  /** Creates the month after `month` in the background when it is not known to exist. */
  prepareAfter(month: string): void {
    const next = nextMonth(month);
    if (this.#known.has(next) || this.#ahead) return;
    this.#ahead = this.#db
      .transaction(async (tx) => {
        await tx.exec(`SET LOCAL lock_timeout = '${BACKGROUND_LOCK_TIMEOUT}'`);
        await ensureMonth(tx, next);
      })
      .then(
        () => {
          this.#known.add(next);
        },
        (error: unknown) => this.#onError(error),
      )
      .finally(() => {
        this.#ahead = undefined;
      });
  }

  /** Waits for a background creation in flight (on close). */
  async settle(): Promise<void> {
    await this.#ahead;
  }
}
