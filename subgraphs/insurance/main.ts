// ./node_modules/.bin/node subgraphs/insurance/main.ts
import { runMain } from '../../lib/main.ts';
import { startTracing } from '../../lib/tracing.ts';
import { startSubgraphFromEnv } from '../common/runSubgraph.ts';
import { createInsuranceSubgraph } from './createSubgraph.ts';

await runMain('subgraph-insurance', async () => {
  const tracing = await startTracing('lienthong-subgraph-insurance');
  return tracing.around(await startSubgraphFromEnv('insurance', createInsuranceSubgraph));
});
