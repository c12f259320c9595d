// The procedure registry (DESIGN.md "Purpose"): each procedure of the national catalogue names the
// scopes it may use and the schema fields its dossier needs. A request's scopes in force are its
// token's scopes that its procedure allows, plus the few scopes that are not bound to a purpose.
// Loaded at start, where a bad file stops the process with one line per problem, and again on each
// reload (reload/), where a bad file is refused and the registry in force stays.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type GraphQLSchema, isInterfaceType, isObjectType } from 'graphql';
import { z } from 'zod';
import { ConfigError } from '../../lib/errors.ts';
import { isProcedureCode, PROCEDURE_CODE_FORMAT } from '../../lib/ids.ts';
import { isScope, PURPOSE_FREE_SCOPES, SCOPES, type Scope } from '../../lib/scopes.ts';

export const PROCEDURE_LEVELS = ['commune', 'province', 'ministry'] as const;
export type ProcedureLevel = (typeof PROCEDURE_LEVELS)[number];

export interface Procedure {
  /** Code of the national catalogue of administrative procedures, e.g. "1.001193". */
  readonly code: string;
  /** Vietnamese name, as in the catalogue. */
  readonly name: string;
  /** The level of the agency that settles it. */
  readonly level: ProcedureLevel;
  readonly scopes: ReadonlySet<Scope>;
  /** Where the code, name and level were checked: a public copy of the catalogue, or a citation. */
  /** Where the code and name were checked (the shipped registry cites one for every entry). */
  readonly source: string | undefined;
  /** False when no public copy of the catalogue confirmed the code and name (the entry is kept, marked). */
  readonly confirmed: boolean;
  /**
   * Schema coordinates the procedure's dossier needs: `Type.field`, or `Type.*` for every field of a
   * type. What a procedure may read is narrower than what its scopes allow (a marriage needs identity,
   * residence and the spouse link, not the whole population record). Absent: nothing narrower than
   * the procedure's scopes (DESIGN.md "Purpose").
   */
  readonly fields: readonly string[] | undefined;
}

export interface ProcedureRegistry {
  get(code: string): Procedure | undefined;
  all(): readonly Procedure[];
}

/** The registry shipped with lienthong; PROCEDURES_FILE replaces it. */
export const DEFAULT_PROCEDURES_FILE = fileURLToPath(
  new URL('../../schema/procedures.json', import.meta.url),
);

/** A schema coordinate a procedure may name: `Type.field` or `Type.*` (GraphQL names). */
export const FIELD_COORDINATE_FORMAT = 'a schema coordinate Type.field or Type.* (e.g. Citizen.fullName)';
const FIELD_COORDINATE = /^[_A-Za-z][_0-9A-Za-z]*\.(?:\*|[_A-Za-z][_0-9A-Za-z]*)$/;
export const isFieldCoordinate = (coordinate: string): boolean => FIELD_COORDINATE.test(coordinate);

const procedureSchema = z.strictObject({
  code: z.string().refine(isProcedureCode, `must be ${PROCEDURE_CODE_FORMAT}`),
  name: z.string().trim().min(1, 'must be a non-empty name').max(500),
  level: z.enum(PROCEDURE_LEVELS),
  confirmed: z.boolean().optional(),
  source: z.string().trim().min(1, 'must cite where the code was checked').max(1000).optional(),
  scopes: z
    .array(z.string().refine(isScope, `must be one of ${SCOPES.join(', ')}`))
    .min(1, 'must name at least one scope'),
  fields: z
    .array(z.string().refine(isFieldCoordinate, `must be ${FIELD_COORDINATE_FORMAT}`))
    .min(1, 'must name at least one field')
    .refine((fields) => new Set(fields).size === fields.length, 'must not repeat a coordinate')
    .optional(),
});
const registrySchema = z.array(procedureSchema).min(1, 'must list at least one procedure');

export async function loadProcedureRegistry(
  file: string = DEFAULT_PROCEDURES_FILE,
): Promise<ProcedureRegistry> {
  return procedureRegistryOfText(await readProcedureRegistry(file), file);
}

/** The registry file's text (a reload hashes the very text it checks). */
export async function readProcedureRegistry(file: string = DEFAULT_PROCEDURES_FILE): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([`PROCEDURES_FILE: expected a readable procedure registry, got ${file} (${code})`]);
  }
}

/** Parses and validates a registry file's text; `file` names it in errors. */
export function procedureRegistryOfText(text: string, file: string): ProcedureRegistry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError([`PROCEDURES_FILE: expected JSON, got ${file} that does not parse`]);
  }
  return parseProcedureRegistry(json, file);
}

/** Validates a registry's JSON; `source` names it in errors. */
export function parseProcedureRegistry(json: unknown, source: string): ProcedureRegistry {
  const parsed = registrySchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) =>
          `PROCEDURES_FILE: expected a JSON array of { code, name, level, source, scopes, fields } in ${source}; at ${formatPath(issue.path)}: ${issue.message}`,
      ),
    );
  }
  const byCode = new Map<string, Procedure>();
  const duplicates: string[] = [];
  for (const entry of parsed.data) {
    if (byCode.has(entry.code)) duplicates.push(entry.code);
    byCode.set(
      entry.code,
      Object.freeze({
        code: entry.code,
        name: entry.name.trim(),
        level: entry.level,
        scopes: new Set(entry.scopes as Scope[]),
        source: entry.source?.trim(),
        confirmed: entry.confirmed ?? true,
        fields: entry.fields ? Object.freeze([...entry.fields]) : undefined,
      }),
    );
  }
  if (duplicates.length > 0) {
    throw new ConfigError([
      `PROCEDURES_FILE: expected unique codes in ${source}, got duplicates ${duplicates.join(', ')}`,
    ]);
  }
  const all = Object.freeze([...byCode.values()]);
  return { get: (code) => byCode.get(code), all: () => all };
}

/**
 * The scopes a request may use: the token's scopes that the procedure allows, plus the token's
 * purpose-free scopes. Without a procedure only the purpose-free ones remain.
 */
export function scopesInForce(
  tokenScopes: Iterable<string>,
  procedure: Procedure | undefined,
): ReadonlySet<Scope> {
  const inForce = new Set<Scope>();
  for (const scope of tokenScopes) {
    if (!isScope(scope)) continue;
    if (PURPOSE_FREE_SCOPES.has(scope) || procedure?.scopes.has(scope)) inForce.add(scope);
  }
  return inForce;
}

/**
 * One line per coordinate of the registry that `schema` does not have (an unknown type, a field the
 * type lacks, or `Type.*` on a type without fields), naming `source` as the load errors do. Empty
 * when every procedure's fields exist.
 */
/** Whether a procedure's `fields` cover a coordinate (`Type.field` listed, or `Type.*`); true without `fields`. */
export function fieldNeeded(procedure: Procedure | undefined, coordinate: string): boolean {
  if (!procedure?.fields) return true;
  const type = coordinate.slice(0, coordinate.indexOf('.'));
  return procedure.fields.includes(coordinate) || procedure.fields.includes(`${type}.*`);
}

export function unknownFieldCoordinates(
  registry: ProcedureRegistry,
  schema: GraphQLSchema,
  source = 'the procedure registry',
): string[] {
  const problems: string[] = [];
  for (const procedure of registry.all()) {
    for (const coordinate of procedure.fields ?? []) {
      if (!coordinateExists(schema, coordinate)) {
        problems.push(
          `PROCEDURES_FILE: procedure ${procedure.code} in ${source} names ${coordinate}, which the schema does not have`,
        );
      }
    }
  }
  return problems;
}

/** Throws a ConfigError listing every unknown coordinate (the start-up check). */
export function assertProcedureFieldsExist(
  registry: ProcedureRegistry,
  schema: GraphQLSchema,
  source?: string,
): void {
  const problems = unknownFieldCoordinates(registry, schema, source);
  if (problems.length > 0) throw new ConfigError(problems);
}

function coordinateExists(schema: GraphQLSchema, coordinate: string): boolean {
  const [typeName, fieldName] = coordinate.split('.') as [string, string];
  const type = schema.getType(typeName);
  if (!isObjectType(type) && !isInterfaceType(type)) return false;
  return fieldName === '*' || Object.hasOwn(type.getFields(), fieldName);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0
    ? 'the top level'
    : path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}
