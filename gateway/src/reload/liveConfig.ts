// The configuration set in force, swapped as one. Apollo Server learns of a new schema through the
// gateway interface's onSchemaLoadOrUpdate and pins each request to the schema it started with
// (requestContext.schema); every set has its own @apollo/gateway (schema, query planner, plan cache),
// looked up by that schema, so a request is validated, decided, planned and executed under one set
// from start to end. A single @apollo/gateway updated in place would not do: its executor reads the
// planner and schema in force when it runs, so a request validated before a swap would be planned
// after it. A set no request holds any more is left to the garbage collector.
import type { ApolloGateway } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';
import type { ConfigSet, Executor, LoadedConfig } from './configSet.ts';

type SchemaListener = Parameters<ApolloGateway['onSchemaLoadOrUpdate']>[0];

export interface LiveConfig {
  /** The set new requests get. */
  readonly current: ConfigSet;
  /** The set of the request that runs on `schema` (requestContext.schema); the current one otherwise. */
  of(schema: GraphQLSchema | undefined): ConfigSet;
  /** Makes `next` the set of every request that starts from now on; requests under way keep theirs. */
  swap(next: LoadedConfig): void;
  /** What Apollo Server takes as its `gateway`. */
  readonly gateway: {
    load(): Promise<{ schema: GraphQLSchema; executor: Executor }>;
    onSchemaLoadOrUpdate(callback: SchemaListener): () => void;
    stop(): Promise<void>;
  };
}

export function liveConfig(initial: LoadedConfig): LiveConfig {
  let current = initial;
  const bySchema = new WeakMap<GraphQLSchema, LoadedConfig>([[initial.schema, initial]]);
  const listeners = new Set<SchemaListener>();
  const loadedOf = (schema: GraphQLSchema | undefined) => (schema && bySchema.get(schema)) ?? current;
  const executor: Executor = (requestContext) => loadedOf(requestContext.schema).executor(requestContext);
  const announce = (loaded: LoadedConfig) => {
    for (const listener of listeners) {
      listener({ apiSchema: loaded.schema, coreSupergraphSdl: loaded.set.supergraphSdl });
    }
  };
  return {
    get current() {
      return current.set;
    },
    of: (schema) => loadedOf(schema).set,
    swap(next) {
      bySchema.set(next.schema, next);
      current = next;
      // Synchronous: Apollo Server's next request starts on the new schema, hence on the new set.
      announce(next);
    },
    gateway: {
      // As @apollo/gateway does, loading announces the schema to Apollo Server's listener.
      async load() {
        announce(current);
        return { schema: current.schema, executor };
      },
      onSchemaLoadOrUpdate(callback) {
        listeners.add(callback);
        return () => listeners.delete(callback);
      },
      stop: () => current.gateway.stop(),
    },
  };
}
