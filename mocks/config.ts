// The mocks' configuration from the environment, validated at start (every bad variable at once).
import { type EnvReader, type EnvValues, env, readEnv } from '../lib/env.ts';
import { defaultMockPort, MOCK_SOURCES, type MockSource, mockPortVar } from '../lib/topology.ts';
import type { Faults } from './faults.ts';

/** The API key dev mode uses when UPSTREAM_API_KEY is not set. */
export const DEV_UPSTREAM_KEY = 'dev-upstream-key';

const share: EnvReader<number> = (raw) => {
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || n > 1) throw new Error('a share from 0 to 1 (e.g. 0.05)');
  return n;
};

export interface MockConfig {
  readonly dev: boolean;
  readonly apiKey: string;
  readonly faults: Faults;
  readonly ports: Readonly<Record<MockSource, number>>;
  /** JWK file of the results registry's private key; in dev mode a generated key stands in. */
  readonly registryKeyFile: string | undefined;
}

export function readMockConfig(
  sources: readonly MockSource[],
  source: NodeJS.ProcessEnv = process.env,
): MockConfig {
  const dev = readEnv({ LIENTHONG_DEV: env.flag() }, source).LIENTHONG_DEV;
  const spec = {
    UPSTREAM_API_KEY: dev
      ? env.string(DEV_UPSTREAM_KEY)
      : env.requiredString(
          'the API key the subgraphs send to the mocks (set LIENTHONG_DEV=1 for a dev default)',
        ),
    MOCK_DELAY_MS: env.integer(0, 0, 600_000),
    MOCK_JITTER_MS: env.integer(0, 0, 600_000),
    MOCK_ERROR_RATE: share,
    MOCK_ERROR_STATUS: env.integer(503, 400, 599),
    MOCK_TIMEOUT_RATE: share,
    RESULTS_REGISTRY_KEY_FILE:
      sources.includes('results') && !dev
        ? env.requiredString(
            'the path of the results registry private JWK (set LIENTHONG_DEV=1 to generate one)',
          )
        : env.optionalString(),
    ...Object.fromEntries(sources.map((s) => [mockPortVar(s), env.port(defaultMockPort(s))])),
  };
  const values = readEnv(spec, source) as EnvValues<typeof spec> & Record<string, number>;
  return Object.freeze({
    dev,
    apiKey: values.UPSTREAM_API_KEY,
    faults: {
      delayMs: values.MOCK_DELAY_MS,
      jitterMs: values.MOCK_JITTER_MS,
      errorRate: values.MOCK_ERROR_RATE,
      errorStatus: values.MOCK_ERROR_STATUS,
      timeoutRate: values.MOCK_TIMEOUT_RATE,
    },
    ports: Object.fromEntries(
      MOCK_SOURCES.map((s) => [s, values[mockPortVar(s)] ?? defaultMockPort(s)]),
    ) as Record<MockSource, number>,
    registryKeyFile: values.RESULTS_REGISTRY_KEY_FILE,
  });
}
