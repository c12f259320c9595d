// ./node_modules/.bin/node subgraphs/insurance/main.ts
import { runMain } from '../../lib/main.ts';
import { startSubgraphFromEnv } from '../common/runSubgraph.ts';
import { createInsuranceSubgraph } from './createSubgraph.ts';

await runMain('subgraph-insurance', () => startSubgraphFromEnv('insurance', createInsuranceSubgraph));
