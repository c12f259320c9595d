// Runs the gateway as a process: `node gateway/src/main.ts`.
import { cacheConfigFromEnv } from '../../lib/cache/cacheConfigFromEnv.ts';
import { runMain } from '../../lib/main.ts';
import { readGatewayConfig } from './config.ts';
import { createGateway } from './createGateway.ts';

await runMain('gateway', async () =>
  createGateway({ config: readGatewayConfig(), cache: await cacheConfigFromEnv() }),
);
