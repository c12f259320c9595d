// Response keys the gateway adds to a client's operation for its own use (a type name where a denial
// must know the runtime type; entity keys for the audit's subjects). They share one prefix that a
// client may not use, so they can be told apart from the client's data and removed from it.
import { type DocumentNode, type FieldNode, Kind, visit } from 'graphql';
import { codedError, ErrorCode } from '../../../lib/errors.ts';

export const RESERVED_ALIAS_PREFIX = '__lt_';
export const TYPENAME_ALIAS = `${RESERVED_ALIAS_PREFIX}typename`;
const KEY_ALIAS = /^__lt_key_(\d+)_([_A-Za-z][_0-9A-Za-z]*)$/;

export const isReservedAlias = (responseKey: string): boolean =>
  responseKey.startsWith(RESERVED_ALIAS_PREFIX);

/** `__lt_key_0_Citizen`: the type name travels in the alias, so the data alone names the subject. */
export const keyAlias = (typeName: string, index: number): string =>
  `${RESERVED_ALIAS_PREFIX}key_${index}_${typeName}`;

export function parseKeyAlias(responseKey: string): { typeName: string; index: number } | undefined {
  const match = KEY_ALIAS.exec(responseKey);
  return match ? { typeName: match[2]!, index: Number(match[1]) } : undefined;
}

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
