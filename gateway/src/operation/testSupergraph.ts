// Test fixture: a small supergraph composed in-process, shaped like lienthong's (entities across
// subgraphs, field- and type-level scopes, OR and AND requirements, an interface, a union, a
// mutation, @authenticated and @policy), so the operation tests do not depend on schema/ as it evolves.
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { type GraphQLSchema, parse } from 'graphql';
import { stripSecurityFeatures } from './supergraphSecurity.ts';

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
