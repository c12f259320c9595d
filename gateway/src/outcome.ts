// The outcome of a request as metrics and the audit name it (DESIGN.md: ok, partial, denied, error).
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../../lib/errors.ts';

export type Outcome = 'ok' | 'partial' | 'denied' | 'error';

const DENIALS = new Set<string>([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.PURPOSE_REQUIRED,
  ErrorCode.RATE_LIMITED,
]);

export function outcomeOf(data: unknown, errors: readonly GraphQLFormattedError[] | undefined): Outcome {
  if (!errors || errors.length === 0) return 'ok';
  const hasData = data !== null && data !== undefined && Object.values(data).some((v) => v !== null);
  if (hasData) return 'partial';
  return errors.every((e) => DENIALS.has(String(e.extensions?.['code']))) ? 'denied' : 'error';
}
