// Test fixture: a small supergraph composed in-process, shaped like lienthong's (entities across
// subgraphs, field- and type-level scopes, OR and AND requirements, an interface, a union, a
// mutation, @authenticated and @policy), so the operation tests do not depend on schema/ as it evolves.
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  isEnumType,
  isLeafType,
  isListType,
  isNonNullType,
  parse,
} from 'graphql';
import { stripSecurityFeatures } from '../../gateway/src/operation/supergraphSecurity.ts';

const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@requiresScopes", "@authenticated", "@policy"])`;

const population = `${LINK}
type Query {
  citizen(id: ID!): Citizen @requiresScopes(scopes: [["population:read"]])
  citizens(ids: [ID!]!): [Citizen]! @requiresScopes(scopes: [["population:read"]])
  me: Citizen @requiresScopes(scopes: [["citizen:self"]])
}
type Citizen @key(fields: "id") {
  id: ID! @requiresScopes(scopes: [["population:read"]])
  fullName: String! @requiresScopes(scopes: [["population:read"]])
  religion: String @requiresScopes(scopes: [["population:sensitive"]])
  ethnicity: String! @requiresScopes(scopes: [["population:sensitive"]])
  father: Citizen @requiresScopes(scopes: [["population:read"]])
  residences: [Residence!]! @requiresScopes(scopes: [["population:read"]])
  relatives: [Relative] @requiresScopes(scopes: [["population:read"]])
  accessNote: String @requiresScopes(scopes: [["audit:read"], ["citizen:self"]])
  taxDebt: String @requiresScopes(scopes: [["business:read", "insurance:read"]])
  internalNote: String @policy(policies: [["internal"]])
  nickname: String @authenticated
}
interface Residence {
  address: String!
  since: String
}
type PermanentResidence implements Residence {
  address: String!
  since: String
  householdCode: String @requiresScopes(scopes: [["population:sensitive"]])
}
type TemporaryResidence implements Residence {
  address: String! @requiresScopes(scopes: [["land:read"]])
  since: String
}
type Foreigner {
  passport: String! @requiresScopes(scopes: [["population:sensitive"]])
  name: String
}
union Relative = Citizen | Foreigner
`;

const business = `${LINK}
type Query {
  enterprise(code: ID!): Enterprise
}
type Mutation {
  evictEnterprise(code: ID!): Boolean @requiresScopes(scopes: [["cache:evict"]])
}
type Enterprise @key(fields: "code") @requiresScopes(scopes: [["business:read"]]) {
  code: ID!
  name: String!
  legalRepresentative: Citizen
  owners: [Citizen!]!
}
type Citizen @key(fields: "id") {
  id: ID! @requiresScopes(scopes: [["population:read"]])
  enterprises: [Enterprise!]! @requiresScopes(scopes: [["business:read"]])
}
`;

const results = `${LINK}
type Mutation {
  issueResult(procedureCode: String!): IssuedResult @requiresScopes(scopes: [["results:issue"]])
}
type IssuedResult @key(fields: "code") {
  code: ID! @requiresScopes(scopes: [["results:read"], ["results:issue"]])
  status: String! @requiresScopes(scopes: [["results:read"], ["results:issue"]])
}
`;

export function composeTestSupergraph(): string {
  const composed = composeServices([
    { name: 'population', url: 'http://127.0.0.1:4001/graphql', typeDefs: parse(population) },
    { name: 'business', url: 'http://127.0.0.1:4002/graphql', typeDefs: parse(business) },
    { name: 'results', url: 'http://127.0.0.1:4005/graphql', typeDefs: parse(results) },
  ]);
  if (composed.errors) throw new Error(composed.errors.map(String).join('\n'));
  return composed.supergraphSdl;
}

/** The API schema @apollo/gateway serves for a supergraph (security features stripped first). */
export async function apiSchemaOf(supergraphSdl: string): Promise<GraphQLSchema> {
  const gateway = new ApolloGateway({ supergraphSdl: stripSecurityFeatures(supergraphSdl) });
  try {
    const { schema } = await gateway.load();
    return schema;
  } finally {
    await gateway.stop();
  }
}

/**
 * Executes against the API schema with made-up data: every string is "V:<coordinate>" (so a leaked
 * value names the field it came from), nullable lists hold a null, and abstract types resolve to a
 * member chosen by the list index. Deterministic: the same path always gives the same value.
 */
export async function executeWithFakeData(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
  guard?: (info: GraphQLResolveInfo) => void,
): Promise<ExecutionResult> {
  return execute({
    schema,
    document,
    variableValues: variables,
    fieldResolver: (_source, _args, _context, info) => {
      guard?.(info);
      return fakeValue(info.returnType, info);
    },
    typeResolver: (value, _context, info, abstractType) => {
      const members = info.schema.getPossibleTypes(abstractType);
      // Items 0 and 2 of [item, null, item], and 0 and 1 of [item, item], get different members.
      const index = (value as { index?: number }).index ?? 0;
      return members[(index + Math.floor(index / 2)) % members.length]!.name;
    },
  }) as Promise<ExecutionResult>;
}

function fakeValue(type: GraphQLOutputType, info: GraphQLResolveInfo): unknown {
  if (isNonNullType(type)) return fakeValue(type.ofType, info);
  if (isListType(type)) {
    const item = (index: number) => {
      const value = fakeValue(type.ofType, info);
      return value !== null && typeof value === 'object' ? { index } : value;
    };
    return isNonNullType(type.ofType) ? [item(0), item(1)] : [item(0), null, item(2)];
  }
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isLeafType(type)) {
    if (type.name === 'Boolean') return true;
    if (type.name === 'Int' || type.name === 'Float') return 1;
    return `V:${info.parentType.name}.${info.fieldName}`;
  }
  return {};
}
