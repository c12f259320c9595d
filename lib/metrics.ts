// Prometheus metrics of the public contract (DESIGN.md, "Metrics"). Each process owns one registry;
// labels never carry personal data or unbounded values.
import { Counter, collectDefaultMetrics, Histogram, type Metric, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  /** lienthong_graphql_requests_total{outcome}: ok, partial, denied, error. */
  readonly graphqlRequests: Counter<'outcome'>;
  /** lienthong_request_duration_seconds (the process is named by the registry's `component` label). */
  readonly requestDuration: Histogram;
  /** lienthong_upstream_requests_total{source}: HTTP requests to a national database. */
  readonly upstreamRequests: Counter<'source'>;
  /** lienthong_cache_requests_total{source,result}: result is hit, miss or error. */
  readonly cacheRequests: Counter<'source' | 'result'>;
  /** lienthong_audit_records_total{outcome}. */
  readonly auditRecords: Counter<'outcome'>;
  /** lienthong_dossier_lookups_total{result}: hit, miss, not_found or unavailable. */
  readonly dossierLookups: Counter<'result'>;
}

const DUPLICATE_TOTALS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

export function createMetrics(component: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  collectDefaultMetrics({ register: registry });
  // prom-client exports these gauges twice: per type (nodejs_active_handles{type}) and as a sum named
  // like a counter (…_total), which Prometheus's naming rules (promtool check metrics) reject. The sum
  // of the per-type series is the same number.
  for (const name of DUPLICATE_TOTALS) registry.removeSingleMetric(name);
  return {
    registry,
    graphqlRequests: new Counter({
      name: 'lienthong_graphql_requests_total',
      help: 'GraphQL requests by outcome (ok, partial, denied, error).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'lienthong_request_duration_seconds',
      help: 'Time from request received to response sent.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    upstreamRequests: new Counter({
      name: 'lienthong_upstream_requests_total',
      help: 'HTTP requests made to a national database.',
      labelNames: ['source'],
      registers: [registry],
    }),
    cacheRequests: new Counter({
      name: 'lienthong_cache_requests_total',
      help: 'Cache lookups by source and result (hit, miss, error).',
      labelNames: ['source', 'result'],
      registers: [registry],
    }),
    auditRecords: new Counter({
      name: 'lienthong_audit_records_total',
      help: 'Audit records written, by outcome.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    dossierLookups: new Counter({
      name: 'lienthong_dossier_lookups_total',
      help: 'Dossier verifications by result: hit (cache or a lookup under way), miss (looked up, found), not_found, unavailable.',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}

/**
 * The metric named `name` in `registry`, created by `create` the first time: several instances of one
 * component (tests, or one per source or route) may share a registry, which refuses a second metric
 * of the same name.
 */
export function singleMetric<T extends Metric>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
