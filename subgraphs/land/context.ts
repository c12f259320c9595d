// Per-request state of the land subgraph: the verified caller, its scopes, and fresh loaders.
import type { SubgraphContext } from '../common/context.ts';
import type { LandLoaders } from './datasources/landLoaders.ts';

export type LandContext = SubgraphContext<LandLoaders>;
