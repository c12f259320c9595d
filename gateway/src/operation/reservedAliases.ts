// Response keys the gateway adds to a client's operation for its own use (a type name where a denial
// must know the runtime type). They share one prefix that a client may not use, so they can be told
// apart from the client's data and removed from it.
import { type DocumentNode, type FieldNode, Kind, visit } from 'graphql';
import { codedError, ErrorCode } from '../../../lib/errors.ts';

export const RESERVED_ALIAS_PREFIX = '__lt_';
export const TYPENAME_ALIAS = `${RESERVED_ALIAS_PREFIX}typename`;

export const isReservedAlias = (responseKey: string): boolean =>
  responseKey.startsWith(RESERVED_ALIAS_PREFIX);

export function aliasedField(alias: string, fieldName: string): FieldNode {
  return {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: alias },
    name: { kind: Kind.NAME, value: fieldName },
  };
}

export const typenameField = (): FieldNode => aliasedField(TYPENAME_ALIAS, '__typename');

/** Refuses a client operation that uses the reserved prefix itself: it could forge or hide our keys. */
export function assertNoReservedAliases(document: DocumentNode): void {
  visit(document, {
    Field(node) {
      if (node.alias && isReservedAlias(node.alias.value)) {
        throw codedError(
          ErrorCode.BAD_USER_INPUT,
          `Aliases starting with "${RESERVED_ALIAS_PREFIX}" are reserved.`,
          {
            status: 400,
          },
        );
      }
    },
  });
}

/** A copy of `data` without the response keys `drop` selects, at any depth. */
export function withoutKeys(data: unknown, drop: (key: string) => boolean): unknown {
  if (Array.isArray(data)) return data.map((item) => withoutKeys(item, drop));
  if (data === null || typeof data !== 'object') return data;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (!drop(key)) copy[key] = withoutKeys(value, drop);
  return copy;
}
