// ./node_modules/.bin/node subgraphs/results/main.ts
import { runMain } from '../../lib/main.ts';
import { startTracing } from '../../lib/tracing.ts';
import { startSubgraphFromEnv } from '../common/runSubgraph.ts';
import { createResultsSubgraph } from './createSubgraph.ts';

await runMain('subgraph-results', async () => {
  const tracing = await startTracing('lienthong-subgraph-results');
  return tracing.around(await startSubgraphFromEnv('results', createResultsSubgraph));
});
