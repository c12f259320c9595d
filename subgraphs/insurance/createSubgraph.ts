// Builds the insurance subgraph (social and health insurance) and serves it on the
// port it is given (0: any free port); main.ts decides the port from the environment.
import { createSourceSubgraph } from '../common/createSourceSubgraph.ts';
import type { RunningSubgraph } from '../common/createSubgraphServer.ts';
import type { SubgraphOptions } from '../common/subgraphDeps.ts';
import { createInsuranceLoaders } from './datasources/insuranceLoaders.ts';
import { insuranceResolvers } from './resolvers/index.ts';

export function createInsuranceSubgraph(options: SubgraphOptions): Promise<RunningSubgraph> {
  return createSourceSubgraph('insurance', options, {
    resolvers: insuranceResolvers(),
    createLoaders: createInsuranceLoaders,
  });
}
