// Runs mocks as a process: `node mocks/main.ts population` runs one, `node mocks/main.ts all` runs
// all six in one process (the five national databases and the one-stop system), each on its own port
// (POPULATION_MOCK_PORT … RESULTS_MOCK_PORT, ONESTOP_MOCK_PORT).
import { ConfigError } from '../lib/errors.ts';
import { ensureDevKey, loadSigningKey, type SigningKey } from '../lib/keys.ts';
import { createLogger } from '../lib/logger.ts';
import { runMain } from '../lib/main.ts';
import { isMockSource, MOCK_SOURCES, type MockSource } from '../lib/topology.ts';
import { startTracing } from '../lib/tracing.ts';
import { readMockConfig } from './config.ts';
import { createMock, type MockServer } from './createMock.ts';

const arg = process.argv[2] ?? '';
if (arg !== 'all' && !isMockSource(arg)) {
  process.stderr.write(`usage: node mocks/main.ts <${MOCK_SOURCES.join('|')}|all>\n`);
  process.exit(64);
}
const sources: readonly MockSource[] = arg === 'all' ? MOCK_SOURCES : [arg as MockSource];

await runMain('mocks', async () => {
  const tracing = await startTracing(arg === 'all' ? 'lienthong-mocks' : `lienthong-mock-${arg}`);
  const config = readMockConfig(sources);
  let registryKey: SigningKey | undefined;
  if (sources.includes('results')) {
    try {
      registryKey = config.registryKeyFile
        ? await loadSigningKey(config.registryKeyFile)
        : await ensureDevKey('results-registry', 'EdDSA');
    } catch (error) {
      throw new ConfigError([
        `RESULTS_REGISTRY_KEY_FILE: expected a readable private JWK with kid and alg, got an unusable file (${(error as Error).message})`,
      ]);
    }
  }
  const servers: MockServer[] = [];
  try {
    for (const source of sources) {
      servers.push(
        await createMock({
          source,
          port: config.ports[source],
          apiKey: config.apiKey,
          faults: config.faults,
          logger: createLogger({ name: `mock-${source}` }),
          registryKey,
        }),
      );
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    throw error;
  }
  return tracing.around({
    [Symbol.asyncDispose]: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  });
});
