// Per-request state of the population subgraph: the verified caller, its scopes, and fresh loaders.
import type { SubgraphContext } from '../common/context.ts';
import type { PopulationLoaders } from './datasources/populationLoaders.ts';

export type PopulationContext = SubgraphContext<PopulationLoaders>;
