// ./node_modules/.bin/node subgraphs/business/main.ts
import { runMain } from '../../lib/main.ts';
import { startSubgraphFromEnv } from '../common/runSubgraph.ts';
import { createBusinessSubgraph } from './createSubgraph.ts';

await runMain('subgraph-business', () => startSubgraphFromEnv('business', createBusinessSubgraph));
