import type { GraphQLResolverMap } from '@apollo/subgraph';
import type { PopulationContext } from '../context.ts';
import { citizenResolvers } from './citizenResolvers.ts';
import { householdResolvers } from './householdResolvers.ts';
import { type QueryOptions, queryResolvers } from './queryResolvers.ts';

export function populationResolvers(options: QueryOptions): GraphQLResolverMap<PopulationContext> {
  return {
    Query: queryResolvers(options),
    Citizen: citizenResolvers,
    Household: householdResolvers,
  } as unknown as GraphQLResolverMap<PopulationContext>;
}
