// The last line of defence on what reaches a client: only the contract's codes (DESIGN.md "Errors")
// and their messages; Apollo Server's own request errors become BAD_USER_INPUT or QUERY_TOO_COMPLEX;
// anything else is INTERNAL_SERVER_ERROR and nothing more.
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, isErrorCode } from '../../lib/errors.ts';

/** Last line of defence: only the contract's codes and messages reach a client. */
export function maskError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.['code'];
  if (isErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    // @apollo/gateway tags a subgraph's errors with serviceName: internal topology, not the contract.
    const { serviceName: _, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  const limit = apolloLimitOf(formatted);
  if (limit)
    return { message: limit.message, extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: limit.name } };
  // Apollo Server's own request errors (parse, validation, an operation it cannot pick) are client
  // mistakes: BAD_USER_INPUT. (Malformed requests — bad JSON, CSRF, batches — are BAD_REQUEST, a
  // contract code that passes above.)
  if (
    code === 'GRAPHQL_VALIDATION_FAILED' ||
    code === 'GRAPHQL_PARSE_FAILED' ||
    code === 'OPERATION_RESOLUTION_FAILURE'
  ) {
    return {
      message: formatted.message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: ErrorCode.BAD_USER_INPUT },
    };
  }
  return {
    message: 'Internal server error.',
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/**
 * The two limits Apollo Server enforces itself (parseOptions.maxTokens, maxRecursiveSelections) surface
 * as parse and validation errors: they are reported like the gateway's own limits, by name.
 */
function apolloLimitOf(formatted: GraphQLFormattedError): { name: string; message: string } | undefined {
  const extensions = formatted.extensions ?? {};
  if (extensions['validationErrorCode'] === 'MAX_RECURSIVE_SELECTIONS_EXCEEDED') {
    return { name: 'maxRecursiveSelections', message: 'The operation expands to too many selections.' };
  }
  if (
    extensions['code'] === 'GRAPHQL_PARSE_FAILED' &&
    // graphql-js words it "more that N tokens" (sic): match either spelling.
    /Document contains more th\w+ \d+ tokens/.test(formatted.message)
  ) {
    return { name: 'maxTokens', message: 'The document has more tokens than allowed.' };
  }
  return undefined;
}
