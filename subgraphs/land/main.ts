// ./node_modules/.bin/node subgraphs/land/main.ts
import { runMain } from '../../lib/main.ts';
import { startSubgraphFromEnv } from '../common/runSubgraph.ts';
import { createLandSubgraph } from './createSubgraph.ts';

await runMain('subgraph-land', () => startSubgraphFromEnv('land', createLandSubgraph));
