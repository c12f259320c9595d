// Runs the gateway as a process: `node gateway/src/main.ts`.
import { cacheConfigFromEnv } from '../../lib/cache/cacheConfigFromEnv.ts';
import { runMain } from '../../lib/main.ts';
import { startTracing } from '../../lib/tracing.ts';
import { readGatewayConfig } from './config.ts';
import { createGateway } from './createGateway.ts';

await runMain('gateway', async () => {
  const tracing = await startTracing('lienthong-gateway');
  return tracing.around(
    await createGateway({ config: readGatewayConfig(), cache: await cacheConfigFromEnv() }),
  );
});
