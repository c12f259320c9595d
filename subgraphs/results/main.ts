// ./node_modules/.bin/node subgraphs/results/main.ts
import { runMain } from '../../lib/main.ts';
import { startSubgraphFromEnv } from '../common/runSubgraph.ts';
import { createResultsSubgraph } from './createSubgraph.ts';

await runMain('subgraph-results', () => startSubgraphFromEnv('results', createResultsSubgraph));
