// Per-request state of the population subgraph: the verified caller and fresh loaders.
import type { RecordCache } from '../../lib/cache/types.ts';
import type { Caller } from '../../lib/internalToken.ts';
import type { SubgraphContext } from '../common/context.ts';
import type { UpstreamClient } from '../common/upstreamClient.ts';
import { createPopulationLoaders, type PopulationLoaders } from './datasources/populationLoaders.ts';

export type PopulationContext = SubgraphContext<PopulationLoaders>;

export const populationLoadersFactory =
  (client: UpstreamClient, cache: RecordCache) =>
  (caller: Caller): PopulationLoaders =>
    createPopulationLoaders(client, cache, caller);
