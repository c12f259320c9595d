// Structured logs (pino). Logs never carry personal data: identifiers go through hashIdentifier, and
// credentials and bodies are redacted wherever they might appear.
import { createHmac, randomBytes } from 'node:crypto';
import { type Logger, pino } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /** Component name, e.g. "gateway" or "subgraph-population". */
  readonly name: string;
  /** pino level; default "info" (LOG_LEVEL). */
  readonly level?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino({
    name: options.name,
    level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
    base: { pid: process.pid },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.authorization', 'body', 'variables'],
      censor: '[redacted]',
    },
  });
}

/** A logger that writes nothing, for tests. */
export const silentLogger = (): Logger => pino({ level: 'silent' });

// Keyed hash: a 12-digit id has only 10^12 values, so a plain SHA-256 of it could be reversed by
// enumeration. LOG_HASH_SECRET makes hashes comparable across processes; without it each process uses
// a random key (hashes still correlate within one process's log).
const hashKey = process.env['LOG_HASH_SECRET'] ?? randomBytes(32).toString('hex');

/** The loggable form of a personal identifier: 16 hex chars of HMAC-SHA-256. */
export function hashIdentifier(id: string): string {
  return createHmac('sha256', hashKey).update(id).digest('hex').slice(0, 16);
}
