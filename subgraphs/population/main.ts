// ./node_modules/.bin/node subgraphs/population/main.ts
import { runMain } from '../../lib/main.ts';
import { startSubgraphFromEnv } from '../common/runSubgraph.ts';
import { createPopulationSubgraph } from './createSubgraph.ts';

await runMain('subgraph-population', () => startSubgraphFromEnv('population', createPopulationSubgraph));
