// The one seam between the audit store and its database: the same SQL runs on real PostgreSQL (pg)
// and on the embedded PGlite, so both implementations share migrations, queries and tests.

export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  /**
   * One parameterized statement ($1, $2…). A statement run on every batch passes a `name`: PostgreSQL
   * then parses and plans it once per connection (a prepared statement) instead of on every run.
   */
  query<R extends SqlRow = SqlRow>(
    text: string,
    params?: readonly unknown[],
    name?: string,
  ): Promise<{ rows: R[] }>;
  /** Several statements, no parameters (migrations). */
  exec(text: string): Promise<void>;
}

export interface SqlDatabase extends SqlExecutor, AsyncDisposable {
  /** 'postgres' or 'pglite', for logs and /readyz. */
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

export interface OpenDatabaseOptions {
  /** `postgres://…`; when absent the embedded PGlite database under `dataDir` is used. */
  readonly databaseUrl?: string | undefined;
  /** PGlite directory; default `data/audit`. */
  readonly dataDir?: string | undefined;
  /** Connection attempt limit (pg only), in ms; default 2 000. */
  readonly connectTimeoutMs?: number | undefined;
  /** Per-statement limit (pg only), in ms; default 5 000. */
  readonly statementTimeoutMs?: number | undefined;
  /** Pool size (pg only); default 10. */
  readonly poolSize?: number | undefined;
}

/** Opens the database the options name; the caller owns it and disposes it. */
export async function openSqlDatabase(options: OpenDatabaseOptions): Promise<SqlDatabase> {
  if (options.databaseUrl) {
    const { openPostgresDatabase } = await import('./postgresDatabase.ts');
    return openPostgresDatabase(options.databaseUrl, options);
  }
  const { openPgliteDatabase } = await import('./pgliteDatabase.ts');
  return openPgliteDatabase(options.dataDir ?? 'data/audit');
}
