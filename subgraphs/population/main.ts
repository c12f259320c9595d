// ./node_modules/.bin/node subgraphs/population/main.ts
import { runMain } from '../../lib/main.ts';
import { startTracing } from '../../lib/tracing.ts';
import { startSubgraphFromEnv } from '../common/runSubgraph.ts';
import { createPopulationSubgraph } from './createSubgraph.ts';

await runMain('subgraph-population', async () => {
  const tracing = await startTracing('lienthong-subgraph-population');
  return tracing.around(await startSubgraphFromEnv('population', createPopulationSubgraph));
});
