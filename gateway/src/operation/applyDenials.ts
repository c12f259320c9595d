// The response side of field-level authorization: each denied field becomes null at every concrete
// path (lists expanded) with one FORBIDDEN error there, and a null in a non-null position propagates
// to the nearest nullable parent, as GraphQL execution does.
import {
  GraphQLError,
  type GraphQLOutputType,
  type GraphQLSchema,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { codedError, ErrorCode, forbidden } from '../../../lib/errors.ts';
import type { DeniedField } from './authorizeOperation.ts';
import { TYPENAME_ALIAS, withoutKeys } from './reservedAliases.ts';

export interface ResultLike {
  readonly data?: Record<string, unknown> | null | undefined;
  readonly errors?: readonly GraphQLError[] | undefined;
}

type Path = (string | number)[];

/** One concrete place a denied field was asked for: its path, and the declared type of each step. */
interface Target {
  readonly path: Path;
  readonly types: GraphQLOutputType[];
  readonly denial: DeniedField;
}

export function applyDenials<R extends ResultLike>(
  result: R,
  denied: readonly DeniedField[],
  schema: GraphQLSchema,
): R & ResultLike {
  if (result.data === null || result.data === undefined) return result;
  const data = structuredClone(result.data) as Record<string, unknown>;
  // Every concrete place is found before anything is nulled, so each gets its error even when an
  // earlier denial's null propagates over it.
  const targets: Target[] = [];
  for (const denial of denied) new TargetFinder(schema, denial, targets).descend(data, 0, [], []);
  let dataNulled = false;
  for (const target of targets) dataNulled = nullAt(data, target) || dataNulled;
  const errors = targets.map(({ path, denial }) => {
    const error =
      denial.reason === 'FIELD_NOT_NEEDED'
        ? codedError(
            ErrorCode.FORBIDDEN,
            `Not read for this purpose: the procedure's dossier does not need ${denial.coordinate}.`,
            { extensions: { reason: 'FIELD_NOT_NEEDED' } },
          )
        : forbidden(
            `Not authorized to read ${denial.coordinate}: the scopes in force lack ${denial.missingScopes.join(', ') || 'a required permission'}.`,
            denial.missingScopes,
          );
    return new GraphQLError(error.message, { path, extensions: error.extensions });
  });
  const cleaned = dataNulled
    ? null
    : (withoutKeys(data, (key) => key === TYPENAME_ALIAS) as Record<string, unknown>);
  const allErrors = [...(result.errors ?? []), ...errors];
  return { ...result, data: cleaned, ...(allErrors.length > 0 ? { errors: allErrors } : {}) };
}

/**
 * Nulls the target and propagates the null up through non-null positions, as execution does.
 * Returns true when it reaches the root (data itself becomes null).
 */
function nullAt(data: Record<string, unknown>, target: Target): boolean {
  const containers: Record<string | number, unknown>[] = [];
  let container: unknown = data;
  for (let i = 0; i < target.path.length; i++) {
    if (container === null || typeof container !== 'object') return false;
    containers.push(container as Record<string | number, unknown>);
    container = (container as Record<string | number, unknown>)[target.path[i]!];
  }
  for (let i = target.path.length - 1; i >= 0; i--) {
    containers[i]![target.path[i]!] = null;
    if (!isNonNullType(target.types[i])) return false;
  }
  return true;
}

class TargetFinder {
  readonly #schema: GraphQLSchema;
  readonly #denial: DeniedField;
  readonly #targets: Target[];

  constructor(schema: GraphQLSchema, denial: DeniedField, targets: Target[]) {
    this.#schema = schema;
    this.#denial = denial;
    this.#targets = targets;
  }

  descend(object: Record<string, unknown>, depth: number, path: Path, types: GraphQLOutputType[]): void {
    const coordinate = this.#denial.fieldPath[depth]!;
    const key = this.#denial.responsePath[depth]!;
    const dot = coordinate.indexOf('.');
    // Below an abstract type the object carries its runtime type; elsewhere its type is the static one.
    const runtime = object[TYPENAME_ALIAS];
    if (typeof runtime === 'string' && !this.#denial.objectTypes[depth]!.includes(runtime)) return;
    // An implementation may narrow an interface field to non-null: nullability is the runtime type's.
    const fieldName = coordinate.slice(dot + 1);
    const fieldType = this.#fieldType(
      typeof runtime === 'string' ? runtime : coordinate.slice(0, dot),
      fieldName,
    );
    if (depth === this.#denial.fieldPath.length - 1) {
      this.#targets.push({ path: [...path, key], types: [...types, fieldType], denial: this.#denial });
      return;
    }
    this.#value(object[key], fieldType, depth, [...path, key], [...types, fieldType]);
  }

  #value(
    value: unknown,
    type: GraphQLOutputType,
    depth: number,
    path: Path,
    types: GraphQLOutputType[],
  ): void {
    if (value === null || value === undefined) return;
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) {
      if (!Array.isArray(value)) return;
      const itemType = inner.ofType as GraphQLOutputType;
      value.forEach((item, i) => {
        this.#value(item, itemType, depth, [...path, i], [...types, itemType]);
      });
      return;
    }
    if (typeof value === 'object') this.descend(value as Record<string, unknown>, depth + 1, path, types);
  }

  #fieldType(typeName: string, fieldName: string): GraphQLOutputType {
    const type = this.#schema.getType(typeName);
    const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[fieldName] : undefined;
    if (!field) throw new Error(`unknown field ${typeName}.${fieldName}`);
    return field.type;
  }
}
