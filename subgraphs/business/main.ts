// ./node_modules/.bin/node subgraphs/business/main.ts
import { runMain } from '../../lib/main.ts';
import { startTracing } from '../../lib/tracing.ts';
import { startSubgraphFromEnv } from '../common/runSubgraph.ts';
import { createBusinessSubgraph } from './createSubgraph.ts';

await runMain('subgraph-business', async () => {
  const tracing = await startTracing('lienthong-subgraph-business');
  return tracing.around(await startSubgraphFromEnv('business', createBusinessSubgraph));
});
