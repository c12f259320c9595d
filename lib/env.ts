// Configuration from the environment: parsed once at start into a typed, frozen object. Every bad
// variable is reported at once, one line each, naming the variable and what it expects.
import { ConfigError } from './errors.ts';

/** Reads one variable; returns the parsed value or throws an Error whose message says what is expected. */
export type EnvReader<T> = (raw: string | undefined, name: string) => T;

export type EnvSpec = Readonly<Record<string, EnvReader<unknown>>>;
export type EnvValues<S extends EnvSpec> = { readonly [K in keyof S]: ReturnType<S[K]> };

export function readEnv<S extends EnvSpec>(spec: S, env: NodeJS.ProcessEnv = process.env): EnvValues<S> {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(spec)) {
    const raw = env[name];
    try {
      values[name] = read(raw === '' ? undefined : raw, name);
    } catch (error) {
      const shown =
        raw === undefined
          ? 'nothing'
          : isSecret(read)
            ? `a value of ${raw.length} characters (not shown)`
            : JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
      problems.push(`${name}: expected ${(error as Error).message}, got ${shown}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(values) as EnvValues<S>;
}

/** Wraps a reader whose raw value (a key, a secret) must never be echoed in a configuration error. */
export function secret<T>(reader: EnvReader<T>): EnvReader<T> {
  return Object.assign((raw: string | undefined, name: string) => reader(raw, name), { secret: true });
}

const isSecret = (reader: EnvReader<unknown>): boolean => (reader as { secret?: boolean }).secret === true;

function optional<T>(parse: (raw: string) => T, expected: string): EnvReader<T | undefined> {
  return (raw) => {
    if (raw === undefined) return undefined;
    const value = parse(raw);
    if (value === undefined) throw new Error(expected);
    return value;
  };
}

function withDefault<T>(reader: EnvReader<T | undefined>, fallback: T): EnvReader<T> {
  return (raw, name) => reader(raw, name) ?? fallback;
}

function required<T>(reader: EnvReader<T | undefined>, expected: string): EnvReader<T> {
  return (raw, name) => {
    const value = reader(raw, name);
    if (value === undefined) throw new Error(expected);
    return value;
  };
}

const parseInteger = (min: number, max: number) => (raw: string) => {
  if (!/^-?\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= min && n <= max ? n : undefined;
};

export const env = {
  /** A TCP port, 0 (any free port) to 65535. */
  port: (fallback: number) =>
    withDefault(optional(parseInteger(0, 65535), 'a port number 0-65535'), fallback),
  integer: (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
    withDefault(optional(parseInteger(min, max), `an integer from ${min} to ${max}`), fallback),
  optionalString: () => optional((raw) => raw, 'a string'),
  string: (fallback: string) =>
    withDefault(
      optional((raw) => raw, 'a string'),
      fallback,
    ),
  requiredString: (expected: string) =>
    required(
      optional((raw) => raw, expected),
      expected,
    ),
  flag: () =>
    withDefault(
      optional((raw) => ({ '1': true, true: true, '0': false, false: false })[raw], '1, 0, true or false'),
      false,
    ),
  /** An absolute URL with one of the given protocols (e.g. ['redis:', 'rediss:']). */
  url: (protocols: readonly string[]) =>
    optional(
      (raw) => {
        try {
          const url = new URL(raw);
          return protocols.includes(url.protocol) ? url.toString() : undefined;
        } catch {
          return undefined;
        }
      },
      `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    ),
  /** Comma-separated host:port pairs. */
  hostPorts: () =>
    optional((raw) => {
      const parts = raw.split(',').map((s) => s.trim());
      const ok = parts.every((p) => /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(p));
      return ok ? parts : undefined;
    }, 'comma-separated host:port pairs'),
  oneOf: <const T extends string>(values: readonly T[], fallback: NoInfer<T>): EnvReader<T> =>
    withDefault(
      optional(
        (raw): T | undefined => (values.includes(raw as T) ? (raw as T) : undefined),
        `one of ${values.join(', ')}`,
      ),
      fallback,
    ),
} as const;

/** Prints a ConfigError as one line per problem and exits; rethrows anything else. */
export function exitOnConfigError(error: unknown, component: string): never {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`${component}: configuration: ${problem}\n`);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}
