// The response side of field-level authorization: each denied field becomes null at every concrete
// path (lists expanded) with one FORBIDDEN error there, and a null in a non-null position propagates
// to the nearest nullable parent, exactly as GraphQL execution would have done.
import {
  GraphQLError,
  type GraphQLOutputType,
  type GraphQLSchema,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { forbidden } from '../../../lib/errors.ts';
import type { DeniedField } from './authorizeOperation.ts';
import { TYPENAME_ALIAS, withoutKeys } from './reservedAliases.ts';

export interface ResultLike {
  readonly data?: Record<string, unknown> | null | undefined;
  readonly errors?: readonly GraphQLError[] | undefined;
}

type Path = (string | number)[];

export function applyDenials<R extends ResultLike>(
  result: R,
  denied: readonly DeniedField[],
  schema: GraphQLSchema,
): R & ResultLike {
  if (result.data === null || result.data === undefined) return result;
  const data = structuredClone(result.data) as Record<string, unknown>;
  const errors: GraphQLError[] = [];
  let root: Record<string, unknown> | null = data;
  for (const denial of denied) {
    if (root === null) break;
    const walker = new DenialWalker(schema, denial, errors);
    if (walker.descend(root, 0, [])) root = null;
  }
  const cleaned =
    root === null ? null : (withoutKeys(root, (key) => key === TYPENAME_ALIAS) as Record<string, unknown>);
  const allErrors = [...(result.errors ?? []), ...errors];
  return { ...result, data: cleaned, ...(allErrors.length > 0 ? { errors: allErrors } : {}) };
}

class DenialWalker {
  readonly #schema: GraphQLSchema;
  readonly #denial: DeniedField;
  readonly #errors: GraphQLError[];

  constructor(schema: GraphQLSchema, denial: DeniedField, errors: GraphQLError[]) {
    this.#schema = schema;
    this.#denial = denial;
    this.#errors = errors;
  }

  /** Applies the denial under `object` from step `depth`; true when `object` itself must become null. */
  descend(object: Record<string, unknown>, depth: number, path: Path): boolean {
    const coordinate = this.#denial.fieldPath[depth]!;
    const key = this.#denial.responsePath[depth]!;
    const dot = coordinate.indexOf('.');
    // Below an abstract type the object carries its runtime type; elsewhere its type is the static one.
    const runtime = object[TYPENAME_ALIAS];
    if (typeof runtime === 'string' && !this.#denial.objectTypes[depth]!.includes(runtime)) return false;
    // An implementation may narrow an interface field to non-null: nullability is the runtime type's.
    const fieldName = coordinate.slice(dot + 1);
    const fieldType = this.#fieldType(
      typeof runtime === 'string' ? runtime : coordinate.slice(0, dot),
      fieldName,
    );
    if (depth === this.#denial.fieldPath.length - 1) {
      object[key] = null;
      const error = forbidden(
        `Not authorized to read ${this.#denial.coordinate}: the scopes in force lack ${this.#denial.missingScopes.join(', ') || 'a required permission'}.`,
        this.#denial.missingScopes,
      );
      this.#errors.push(
        new GraphQLError(error.message, { path: [...path, key], extensions: error.extensions }),
      );
      return isNonNullType(fieldType);
    }
    if (this.#mustBeNull(object[key], fieldType, depth, [...path, key])) {
      if (isNonNullType(fieldType)) return true;
      object[key] = null;
    }
    return false;
  }

  /** True when the value at this position must become null (the caller decides where null lands). */
  #mustBeNull(value: unknown, type: GraphQLOutputType, depth: number, path: Path): boolean {
    if (value === null || value === undefined) return false;
    if (isNonNullType(type)) return this.#mustBeNull(value, type.ofType, depth, path);
    if (isListType(type)) {
      if (!Array.isArray(value)) return false;
      for (let i = 0; i < value.length; i++) {
        if (this.#mustBeNull(value[i], type.ofType, depth, [...path, i])) {
          if (isNonNullType(type.ofType)) return true;
          value[i] = null;
        }
      }
      return false;
    }
    if (typeof value !== 'object') return false;
    return this.descend(value as Record<string, unknown>, depth + 1, path);
  }

  #fieldType(typeName: string, fieldName: string): GraphQLOutputType {
    const type = this.#schema.getType(typeName);
    const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[fieldName] : undefined;
    if (!field) throw new Error(`unknown field ${typeName}.${fieldName}`);
    return field.type;
  }
}
