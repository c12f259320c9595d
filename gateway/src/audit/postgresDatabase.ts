// Real PostgreSQL through a pg pool. Every connection attempt and statement has a time limit so that
// an unreachable or stalled database turns into a prompt error, never a hung request.
import { createRequire } from 'node:module';
import type { OpenDatabaseOptions, SqlDatabase, SqlExecutor, SqlRow } from './sqlDatabase.ts';

// pg ships no type declarations; these are the few members used here.
interface PgQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: SqlRow[] }>;
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: SqlRow[] }>;
}
interface PgPoolClient extends PgQueryable {
  release(destroy?: boolean | Error): void;
}
interface PgPool extends PgQueryable {
  connect(): Promise<PgPoolClient>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'connect', listener: (client: PgEventClient) => void): void;
}
interface PgEventClient {
  on(event: 'error', listener: (error: Error) => void): void;
}
interface PgModule {
  Pool: new (config: Record<string, unknown>) => PgPool;
}

const pg = createRequire(import.meta.url)('pg') as PgModule;

function executor(target: PgQueryable): SqlExecutor {
  return {
    async query<R extends SqlRow>(text: string, params: readonly unknown[] = [], name?: string) {
      const result = await (name
        ? target.query({ name, text, values: [...params] })
        : target.query(text, [...params]));
      return { rows: result.rows as R[] };
    },
    async exec(text: string) {
      // No parameters: pg uses the simple protocol, which accepts several statements.
      await target.query(text);
    },
  };
}

export function openPostgresDatabase(databaseUrl: string, options: OpenDatabaseOptions = {}): SqlDatabase {
  const statementTimeoutMs = options.statementTimeoutMs ?? 5_000;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2_000,
    // Server-side limit, and a client-side one for when the server cannot even answer.
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 1_000,
    // A writer cut off from the server while it holds the audit head's row lock (a network partition,
    // a frozen process) would otherwise keep every other replica waiting until TCP gives up, hours
    // later: the server ends such a session, and with it the lock and the uncommitted batch.
    // Half the statement limit, so that a writer waiting for that lock outlasts it.
    idle_in_transaction_session_timeout: Math.max(500, Math.floor(statementTimeoutMs / 2)),
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'lienthong-audit',
  });
  // A pooled idle connection that dies (server restart) emits here; the next checkout reconnects.
  pool.on('error', () => {});
  // A connection the server ends while it is checked out (its session limit, a restart) emits on the
  // client itself; unheard, that event would end the process. Its pending query rejects either way.
  pool.on('connect', (client) => client.on('error', () => {}));
  return {
    kind: 'postgres',
    ...executor(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(executor(client));
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (error) {
        // After a timeout or a lost connection the session's state is unknown: roll back if it still
        // answers, then destroy the connection rather than return it to the pool.
        await client.query('ROLLBACK').catch(() => {});
        client.release(true);
        throw error;
      }
    },
    async [Symbol.asyncDispose]() {
      await pool.end();
    },
  };
}
