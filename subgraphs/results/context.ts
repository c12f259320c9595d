// Per-request state of the results subgraph: the verified caller, its scopes, and fresh loaders.
import type { SubgraphContext } from '../common/context.ts';
import type { ResultsLoaders } from './datasources/resultsLoaders.ts';

export type ResultsContext = SubgraphContext<ResultsLoaders>;
