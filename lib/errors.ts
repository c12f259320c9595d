// The error codes of the public contract (DESIGN.md, "Errors") and small factories for them.
// Clients switch on `extensions.code`; the HTTP status travels in `extensions.http` so that Apollo
// Server sets it on the response.
import { GraphQLError, type GraphQLErrorExtensions } from 'graphql';

export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  PURPOSE_REQUIRED: 'PURPOSE_REQUIRED',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  RATE_LIMITED: 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  BAD_REQUEST: 'BAD_REQUEST',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The HTTP status each code implies when it decides the whole response. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 200,
  PURPOSE_REQUIRED: 403,
  BAD_USER_INPUT: 400,
  QUERY_TOO_COMPLEX: 400,
  RATE_LIMITED: 429,
  UPSTREAM_UNAVAILABLE: 200,
  AUDIT_UNAVAILABLE: 503,
  PERSISTED_QUERY_NOT_FOUND: 200,
  PERSISTED_QUERY_NOT_SUPPORTED: 400,
  BAD_REQUEST: 400,
  INTERNAL_SERVER_ERROR: 500,
};

const CODES = new Set<string>(Object.values(ErrorCode));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODES.has(value);
}

export interface CodedErrorOptions {
  /** Overrides the code's default HTTP status (e.g. FORBIDDEN for a whole-request rejection is 403). */
  readonly status?: number;
  /** Extra extensions; must never carry personal data. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

export function codedError(code: ErrorCode, message: string, options: CodedErrorOptions = {}): GraphQLError {
  const status = options.status ?? HTTP_STATUS[code];
  // Apollo Server reads response headers from a Map here. (The cast keeps this type-correct when a
  // library in the same program augments graphql's extension types with another header shape.)
  const headers = options.headers ? new Map(Object.entries(options.headers)) : undefined;
  const extensions = { ...options.extensions, code, http: headers ? { status, headers } : { status } };
  return new GraphQLError(message, { extensions: extensions as GraphQLErrorExtensions });
}

export const unauthenticated = (message = 'A valid bearer token is required.') =>
  codedError(ErrorCode.UNAUTHENTICATED, message);

export const forbidden = (message: string, missingScopes: readonly string[]) =>
  codedError(ErrorCode.FORBIDDEN, message, { extensions: { missingScopes } });

export const purposeRequired = (message: string) => codedError(ErrorCode.PURPOSE_REQUIRED, message);

/** A malformed argument: names the argument and the format it expects, never echoes the value. */
export const badUserInput = (argument: string, expected: string) =>
  codedError(ErrorCode.BAD_USER_INPUT, `Argument "${argument}" must be ${expected}.`, {
    status: 200,
    extensions: { argument },
  });

export const queryTooComplex = (limit: string, message: string) =>
  codedError(ErrorCode.QUERY_TOO_COMPLEX, message, { extensions: { limit } });

export const rateLimited = (retryAfterSeconds: number) =>
  codedError(ErrorCode.RATE_LIMITED, 'The request quota for this client is spent; retry later.', {
    headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    extensions: { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) },
  });

export const upstreamUnavailable = (source: string) =>
  codedError(ErrorCode.UPSTREAM_UNAVAILABLE, `The ${source} database did not answer in time.`, {
    extensions: { source },
  });

export const auditUnavailable = () =>
  codedError(ErrorCode.AUDIT_UNAVAILABLE, 'The access could not be recorded, so no data is returned.');

export const internalError = () => codedError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error.');

/** A configuration problem found at start-up: one line naming the variable and what it expects. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}
