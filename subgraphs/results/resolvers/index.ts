import type { GraphQLResolverMap } from '@apollo/subgraph';
import type { ResultsContext } from '../context.ts';
import { mutationResolvers } from './mutationResolvers.ts';
import { queryResolvers, verificationResolvers } from './queryResolvers.ts';
import { resultResolvers } from './resultResolvers.ts';
import { citizenResolvers, enterpriseResolvers } from './subjectResolvers.ts';

export function resultsResolvers(): GraphQLResolverMap<ResultsContext> {
  return {
    Query: queryResolvers,
    Mutation: mutationResolvers,
    IssuedResult: resultResolvers,
    ResultVerification: verificationResolvers,
    Citizen: citizenResolvers,
    Enterprise: enterpriseResolvers,
  } as unknown as GraphQLResolverMap<ResultsContext>;
}
