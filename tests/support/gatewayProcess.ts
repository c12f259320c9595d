// A gateway as its own Node process, for tests that need several (two gateways writing one audit
// log). Configured from the environment like `npm start`'s gateway (SUBGRAPH_URLS points it at
// subgraphs the test started, GATEWAY_PORT=0 picks a free port). Prints one JSON line `{"url": …}`
// once it listens; SIGTERM drains and closes it (sealing the audit chain with a checkpoint).

import { readGatewayConfig } from '../../gateway/src/config.ts';
import { createGateway } from '../../gateway/src/createGateway.ts';
import { silentLogger } from '../../lib/logger.ts';
import { runMain } from '../../lib/main.ts';

await runMain('gateway', async () => {
  const gateway = await createGateway({
    config: readGatewayConfig(),
    logger: silentLogger(),
  });
  process.stdout.write(`${JSON.stringify({ url: gateway.url })}\n`);
  return gateway;
});
