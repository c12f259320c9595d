// Where each component listens by default. One machine runs everything on these ports (npm start);
// in a deployment each variable points a process at its own port, and the subgraphs' URLs come from
// the composed supergraph.

/** The national databases (and the results registry), one subgraph and one mock each. */
export const SOURCES = ['population', 'business', 'insurance', 'land', 'results'] as const;
export type Source = (typeof SOURCES)[number];

/** Every mock: the national databases and the one-stop system (dossier registry), which has no subgraph. */
export const MOCK_SOURCES = [...SOURCES, 'onestop'] as const;
export type MockSource = (typeof MOCK_SOURCES)[number];

export const DEFAULT_GATEWAY_PORT = 4000;

const SOURCE_INDEX: Readonly<Record<MockSource, number>> = {
  population: 1,
  business: 2,
  insurance: 3,
  land: 4,
  results: 5,
  onestop: 6,
};

/** population → 4001, business → 4002, … */
export const defaultSubgraphPort = (source: Source): number => 4000 + SOURCE_INDEX[source];
/** population → 4101, business → 4102, …, onestop → 4106 */
export const defaultMockPort = (source: MockSource): number => 4100 + SOURCE_INDEX[source];

/** POPULATION_SUBGRAPH_PORT, BUSINESS_MOCK_PORT, POPULATION_UPSTREAM_URL, … */
export const subgraphPortVar = (source: Source): string => `${source.toUpperCase()}_SUBGRAPH_PORT`;
export const mockPortVar = (source: MockSource): string => `${source.toUpperCase()}_MOCK_PORT`;
export const upstreamUrlVar = (source: Source): string => `${source.toUpperCase()}_UPSTREAM_URL`;

export const isSource = (value: string): value is Source => (SOURCES as readonly string[]).includes(value);
export const isMockSource = (value: string): value is MockSource =>
  (MOCK_SOURCES as readonly string[]).includes(value);
