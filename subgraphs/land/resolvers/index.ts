import type { GraphQLResolverMap } from '@apollo/subgraph';
import type { LandContext } from '../context.ts';
import { certificateResolvers } from './certificateResolvers.ts';
import { citizenResolvers, enterpriseResolvers } from './holderResolvers.ts';
import { queryResolvers } from './queryResolvers.ts';

export function landResolvers(): GraphQLResolverMap<LandContext> {
  return {
    Query: queryResolvers,
    LandCertificate: certificateResolvers,
    Citizen: citizenResolvers,
    Enterprise: enterpriseResolvers,
  } as unknown as GraphQLResolverMap<LandContext>;
}
