// The audit subgraph: auditEvents and myAccessHistory, served in-process by the gateway from its own
// audit store (the supergraph lists it as subgraph "audit", but no HTTP request is ever made), and the
// operators' evictCachedRecords mutation (evictionResolvers.ts).
import { LocalGraphQLDataSource } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { badUserInput, forbidden } from '../../../lib/errors.ts';
import { loadSubgraphSdl } from '../../../schema/composeSupergraph.ts';
import { AuditQueryError } from '../audit/errors.ts';
import type { AuditEvent, AuditFilter, AuditStore, PageRequest } from '../audit/types.ts';
import type { GatewayContext } from '../context.ts';
import type { CacheEvictor } from './cacheEvictor.ts';
import { evictionResolvers } from './evictionResolvers.ts';
import { SUBJECT_FORMAT, subjectKey } from './subjectKey.ts';

export function createAuditDataSource(
  store: AuditStore,
  evictor: CacheEvictor,
): LocalGraphQLDataSource<GatewayContext> {
  const schema = buildSubgraphSchema([
    {
      typeDefs: parse(loadSubgraphSdl('audit')),
      resolvers: { ...auditResolvers(store), ...evictionResolvers(evictor) },
    },
  ]);
  return new LocalGraphQLDataSource<GatewayContext>(schema);
}

export function auditResolvers(store: AuditStore) {
  return {
    // Resolved only when selected: a proof costs one indexed read per record.
    AuditEvent: {
      inclusion: (event: AuditEvent) => store.recordInclusion(Number(event.id)),
    },
    Query: {
      auditEvents: async (
        _: unknown,
        args: { filter?: AuditFilter; first?: number; after?: string },
        context: GatewayContext,
      ) => {
        requireScope(context, 'audit:read');
        const filter = withSubjectKey(args.filter ?? {});
        return withQueryErrors(() => store.query(filter, pageOf(args)));
      },
      myAccessHistory: async (
        _: unknown,
        args: { first?: number; after?: string },
        context: GatewayContext,
      ) => {
        requireScope(context, 'citizen:self');
        // A citizen token's subject is the citizen's own id: nobody reads another's history here.
        return withQueryErrors(() =>
          store.accessHistory(`Citizen:${context.resolution.caller!.clientId}`, pageOf(args)),
        );
      },
    },
  };
}

/** An administrator types the bare identifier; the store keeps it typed. */
function withSubjectKey(filter: AuditFilter): AuditFilter {
  if (typeof filter.subject !== 'string') return filter;
  const subject = subjectKey(filter.subject);
  if (!subject) throw badUserInput('subject', SUBJECT_FORMAT);
  return { ...filter, subject };
}

/** Defence in depth: the authorization plugin has already removed these fields without the scope. */
function requireScope(context: GatewayContext, scope: string): void {
  if (!context.resolution.caller?.scopes.includes(scope))
    throw forbidden(`This field needs the ${scope} scope.`, [scope]);
}

function pageOf(args: { first?: number; after?: string }): PageRequest {
  return { first: args.first ?? null, after: args.after ?? null };
}

async function withQueryErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AuditQueryError) throw badUserInput(error.argument, error.expected);
    throw error;
  }
}
