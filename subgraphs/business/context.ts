// Per-request state of the business subgraph: the verified caller, its scopes, and fresh loaders.
import type { SubgraphContext } from '../common/context.ts';
import type { BusinessLoaders } from './datasources/businessLoaders.ts';

export type BusinessContext = SubgraphContext<BusinessLoaders>;
