// The key fields of each entity type, from the supergraph's @join__type(key:): what identifies a
// citizen, an enterprise, a land certificate or an issued result — the audit's subjects.
import { Kind, parse, type SelectionSetNode } from 'graphql';

/** Entity type name → its key fields, e.g. Citizen → ['id']. */
export type EntityKeys = ReadonlyMap<string, readonly string[]>;

export function readEntityKeys(supergraphSdl: string): EntityKeys {
  const keys = new Map<string, readonly string[]>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || keys.has(definition.name.value)) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'join__type') continue;
      const key = directive.arguments?.find((a) => a.name.value === 'key')?.value;
      if (key?.kind !== Kind.STRING) continue;
      const fields = topLevelFields(key.value);
      if (fields) {
        keys.set(definition.name.value, fields);
        break;
      }
    }
  }
  return keys;
}

/** The fields of a key like "id" or "code branch"; undefined for nested keys, which name no scalar. */
function topLevelFields(fieldSet: string): string[] | undefined {
  let selectionSet: SelectionSetNode;
  try {
    selectionSet = (parse(`{${fieldSet}}`).definitions[0] as { selectionSet: SelectionSetNode }).selectionSet;
  } catch {
    return undefined;
  }
  const fields: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.selectionSet) return undefined;
    fields.push(selection.name.value);
  }
  return fields.length > 0 ? fields : undefined;
}
