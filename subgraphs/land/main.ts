// ./node_modules/.bin/node subgraphs/land/main.ts
import { runMain } from '../../lib/main.ts';
import { startTracing } from '../../lib/tracing.ts';
import { startSubgraphFromEnv } from '../common/runSubgraph.ts';
import { createLandSubgraph } from './createSubgraph.ts';

await runMain('subgraph-land', async () => {
  const tracing = await startTracing('lienthong-subgraph-land');
  return tracing.around(await startSubgraphFromEnv('land', createLandSubgraph));
});
