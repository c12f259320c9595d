// Whose data a subgraph served (DESIGN.md "Quality bars": the audit names every subject whose data was
// served, whatever the client's scopes). The gateway cannot see this from the client's selection: a
// client without population:read reads a representative's insurance without ever selecting a citizen
// id. So each subgraph reports it from what it actually returned: every entity object (Citizen,
// Enterprise, LandCertificate, IssuedResult) that a field of this subgraph resolves to is recorded with
// its key, and the list travels back to the gateway in the response's `extensions.servedSubjects`,
// which the gateway strips before anything reaches the client.
import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  defaultFieldResolver,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  getNamedType,
  isObjectType,
  Kind,
} from 'graphql';

/** The response extension the gateway reads. */
export const SERVED_SUBJECTS_EXTENSION = 'servedSubjects';

/** Per-request: `Type:key` of every entity this subgraph returned. */
export interface ServedSubjects {
  readonly subjects: Set<string>;
}

/** Entity type → its single key field, from the SDL's `@key(fields: "…")` (composite keys are not used). */
export function entityKeyFields(sdl: DocumentNode): ReadonlyMap<string, string> {
  const keys = new Map<string, string>();
  for (const definition of sdl.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION)
      continue;
    const key = definition.directives?.find((d) => d.name.value === 'key');
    const fields = key?.arguments?.find((a) => a.name.value === 'fields')?.value;
    if (fields?.kind === Kind.STRING && /^\w+$/.test(fields.value.trim())) {
      keys.set(definition.name.value, fields.value.trim());
    }
  }
  return keys;
}

/**
 * Wraps every field whose type is an entity (or a list of them) so that each object it resolves to is
 * recorded on the request's context. Called once on the built schema, before it serves.
 */
export function recordServedEntities(schema: GraphQLSchema, keys: ReadonlyMap<string, string>): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      const keyField = keys.get(named.name);
      if (!keyField) continue;
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      const entity = named.name;
      field.resolve = async (source, args, context, info) => {
        const value = await resolve(source, args, context, info);
        record((context as ServedSubjects).subjects, entity, keyField, value);
        return value;
      };
    }
  }
}

function record(subjects: Set<string>, entity: string, keyField: string, value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) record(subjects, entity, keyField, item);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const key = (value as Record<string, unknown>)[keyField];
  if (typeof key === 'string' && key !== '') subjects.add(`${entity}:${key}`);
}

/** Puts the request's served subjects in the response's extensions, for the gateway's audit. */
export function servedSubjectsPlugin<C extends ServedSubjects>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== 'single' || contextValue.subjects.size === 0) return;
          const result = response.body.singleResult;
          result.extensions = {
            ...result.extensions,
            [SERVED_SUBJECTS_EXTENSION]: [...contextValue.subjects].sort(),
          };
        },
      };
    },
  };
}
