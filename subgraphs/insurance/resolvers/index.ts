import type { GraphQLResolverMap } from '@apollo/subgraph';
import type { InsuranceContext } from '../context.ts';
import { citizenResolvers } from './citizenResolvers.ts';

export function insuranceResolvers(): GraphQLResolverMap<InsuranceContext> {
  return { Citizen: citizenResolvers } as unknown as GraphQLResolverMap<InsuranceContext>;
}
