// The audit store's two failures: it could not record (the gateway answers AUDIT_UNAVAILABLE and
// serves nothing), or a reader asked for something malformed (the gateway answers BAD_USER_INPUT).
// Messages never carry identifiers or field values.

export class AuditUnavailableError extends Error {
  override readonly name = 'AuditUnavailableError';
  readonly code = 'AUDIT_UNAVAILABLE';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`The audit record could not be written: ${reason}.`, options);
  }
}

export class AuditQueryError extends Error {
  override readonly name = 'AuditQueryError';
  /** The argument at fault: `after`, `first`, `from`, `to` or `outcome`. */
  readonly argument: string;
  /** What the argument expects, phrased for badUserInput(argument, expected). */
  readonly expected: string;
  constructor(argument: string, expected: string) {
    super(`Argument "${argument}" must be ${expected}.`);
    this.argument = argument;
    this.expected = expected;
  }
}
