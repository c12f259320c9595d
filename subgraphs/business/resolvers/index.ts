import type { GraphQLResolverMap } from '@apollo/subgraph';
import type { BusinessContext } from '../context.ts';
import { citizenResolvers } from './citizenResolvers.ts';
import { enterpriseResolvers } from './enterpriseResolvers.ts';
import { queryResolvers } from './queryResolvers.ts';

export function businessResolvers(): GraphQLResolverMap<BusinessContext> {
  return {
    Query: queryResolvers,
    Enterprise: enterpriseResolvers,
    Citizen: citizenResolvers,
  } as unknown as GraphQLResolverMap<BusinessContext>;
}
