// The gateways under test, each started as its own process over the same subgraphs: lienthong with
// everything on or one feature off (benchmark-only BENCH_DISABLE_FEATURES), bare @apollo/gateway, Hive
// Gateway and Hive Gateway on the Rust query planner. With `workers` > 1 the gateway runs as that many
// Node cluster workers sharing its port (scripts/clusterPrimary.ts, as `npm run start:cluster` does).

import { join } from 'node:path';
import type { BenchFeature } from '../gateway/src/config.ts';
import { SOURCES } from '../lib/topology.ts';
import type { Backends } from './backends.ts';
import { baseEnv } from './backends.ts';
import { BENCH_AUDIENCE, BENCH_ISSUER, type BenchKeys, UPSTREAM_API_KEY } from './benchKeys.ts';
import { type BenchProcess, freePort, startProcess } from './processes.ts';
import { BENCH_CLIENTS } from './workload.ts';

export type TargetKind = 'lienthong' | 'apollo-gateway' | 'hive-gateway' | 'hive-router' | 'direct';

export interface TargetSpec {
  readonly name: string;
  readonly title: string;
  readonly kind: TargetKind;
  readonly disable?: readonly BenchFeature[];
  /** Gateway processes (cluster workers); default 1. */
  readonly workers?: number;
  /** 'declared': purpose checked against the registry only, even where the one-stop system answers. */
  readonly purpose?: 'declared';
}

export const LIENTHONG_FULL: TargetSpec = {
  name: 'lienthong',
  title: 'lienthong, every feature on',
  kind: 'lienthong',
};
export const APOLLO: TargetSpec = {
  name: 'apollo-gateway',
  title: 'bare @apollo/gateway (Apollo Server 5)',
  kind: 'apollo-gateway',
};
export const HIVE: TargetSpec = {
  name: 'hive-gateway',
  title: 'Hive Gateway (JWT plugin on)',
  kind: 'hive-gateway',
};
export const HIVE_ROUTER: TargetSpec = {
  name: 'hive-router-runtime',
  title: 'Hive Gateway with the Rust query planner (@graphql-hive/router-runtime, JWT plugin on)',
  kind: 'hive-router',
};

/** No gateway: bare @apollo/gateway's subgraph requests sent straight to the subgraphs (direct.ts). */
export const PHYSICAL_LIMIT: TargetSpec = {
  name: 'physical-limit',
  title: "the physical limit: the subgraph requests of bare @apollo/gateway's plans, sent with no gateway",
  kind: 'direct',
};

/** The same gateway as `spec` on `workers` cluster workers. */
export function withWorkers(spec: TargetSpec, workers: number): TargetSpec {
  return { ...spec, name: `${spec.name}-x${workers}`, title: `${spec.title}, ${workers} workers`, workers };
}

/** lienthong with one feature (or audit + attestation together) off, to price it. */
export const FEATURE_OFF: readonly TargetSpec[] = (
  [
    ['audit'],
    ['attestation'],
    ['audit', 'attestation'],
    ['authorization'],
    ['limits'],
    ['rateLimit'],
  ] as BenchFeature[][]
).map((disable) => ({
  name: `lienthong-no-${disable.join('-')}`,
  title: `lienthong without ${disable.join(' + ')}`,
  kind: 'lienthong' as const,
  disable,
}));

/** lienthong with purpose declared instead of proven against the one-stop system, to price the proof. */
export const PURPOSE_DECLARED: TargetSpec = {
  name: 'lienthong-no-purpose-verification',
  title: 'lienthong with purpose declared, not proven against the one-stop system',
  kind: 'lienthong',
  purpose: 'declared',
};

const READY_PATH: Record<Exclude<TargetKind, 'direct'>, string> = {
  lienthong: '/readyz',
  'hive-gateway': '/healthcheck',
  'hive-router': '/healthcheck',
  // Apollo Server 5 has no health route: a GET of { __typename } answers once the gateway is loaded.
  'apollo-gateway': '/graphql?query=%7B__typename%7D',
};

export interface StartedTarget extends AsyncDisposable {
  readonly spec: TargetSpec;
  readonly graphqlUrl: string;
  readonly process: BenchProcess;
  readonly workers: number;
}

export interface TargetFiles {
  readonly keys: BenchKeys;
  /** The supergraph with the security features stripped, for the peers. */
  readonly strippedSupergraphFile: string;
  readonly logDir: string;
  /** PostgreSQL for lienthong's audit store; absent: PGlite in a temporary directory. */
  readonly auditDatabaseUrl?: string;
  readonly auditDataDir: string;
  /** The one-stop system's API when it answers: lienthong then proves purpose against it. */
  readonly onestopUrl?: string;
  /** bare @apollo/gateway appends the subgraph requests of each request here (direct.ts). */
  readonly captureFile?: string;
}

export async function startTarget(
  spec: TargetSpec,
  backends: Backends,
  files: TargetFiles,
): Promise<StartedTarget> {
  const port = await freePort();
  const subgraphUrls = SOURCES.map((s) => `${s}=${backends.subgraphUrls[s]}`).join(',');
  const { keys } = files;
  const name = `${backends.spec.name}-${spec.name}`;
  if (spec.kind === 'direct') throw new Error('the physical limit has no gateway to start');
  const kind = spec.kind;
  const workers = spec.workers ?? 1;
  let args: string[];
  let env: NodeJS.ProcessEnv;
  if (spec.kind === 'lienthong') {
    args = ['gateway/src/main.ts'];
    env = {
      ...baseEnv(),
      GATEWAY_PORT: String(port),
      AUTH_JWKS_FILE: keys.files.clientJwks,
      AUTH_ISSUER: BENCH_ISSUER,
      AUTH_AUDIENCE: BENCH_AUDIENCE,
      INTERNAL_SIGNING_KEY_FILE: keys.files.internal,
      ATTESTATION_KEY_FILE: keys.files.attestation,
      AUDIT_KEY_FILE: keys.files.audit,
      SUBGRAPH_URLS: subgraphUrls,
      // The rate limiter runs (its cost is measured) with a quota above the load, as a deployment
      // sizes a client's quota for its traffic: the default 100 req/s would refuse most of the load.
      RATE_LIMIT_CLIENTS: ['bench.client', ...BENCH_CLIENTS.map((c) => c.id)]
        .map((id) => `${id}=1000000/1000000`)
        .join(','),
      // Likewise the per-client bulkhead and cost budget: the identical workload sends all 50
      // connections as one client, above the default 32 requests in flight.
      CLIENT_MAX_CONCURRENT_REQUESTS: '1000',
      RATE_LIMIT_COST_CAPACITY: '100000000',
      RATE_LIMIT_COST_PER_SECOND: '100000000',
      GATEWAY_REPLICAS: String(workers),
      // Dossiers are proven against the one-stop system when it answers, else declared.
      ...(files.onestopUrl && spec.purpose !== 'declared'
        ? {
            PURPOSE_VERIFICATION: 'enforce',
            ONESTOP_URL: files.onestopUrl,
            ONESTOP_API_KEY: UPSTREAM_API_KEY,
            CLIENTS_FILE: keys.files.clients,
          }
        : { PURPOSE_VERIFICATION: 'declared' }),
      ...(files.auditDatabaseUrl
        ? { DATABASE_URL: files.auditDatabaseUrl }
        : { AUDIT_DATA_DIR: join(files.auditDataDir, name) }),
      ...(spec.disable?.length
        ? { LIENTHONG_BENCH: '1', BENCH_DISABLE_FEATURES: spec.disable.join(',') }
        : {}),
    };
  } else {
    args = [spec.kind === 'apollo-gateway' ? 'bench/peers/apolloGateway.ts' : 'bench/peers/hiveGateway.ts'];
    env = {
      ...baseEnv(),
      HIVE_ROUTER_RUNTIME: spec.kind === 'hive-router' ? '1' : '0',
      // Production mode, as both projects recommend for serving (no development landing pages).
      NODE_ENV: 'production',
      PORT: String(port),
      SUPERGRAPH_FILE: files.strippedSupergraphFile,
      SUBGRAPH_URLS: subgraphUrls,
      INTERNAL_SIGNING_KEY_FILE: keys.files.internal,
      CLIENT_PUBLIC_KEY_PEM_FILE: keys.files.clientPublicPem,
      AUTH_ISSUER: BENCH_ISSUER,
      AUTH_AUDIENCE: BENCH_AUDIENCE,
      ...(files.captureFile && spec.kind === 'apollo-gateway' ? { CAPTURE_FILE: files.captureFile } : {}),
    };
  }
  if (workers > 1) args = ['scripts/clusterPrimary.ts', ...args, String(workers)];
  // Cluster workers inherit the primary's flags, so each writes its own profile.
  if (process.env['BENCH_CPU_PROF'] && spec.kind === 'lienthong') {
    args = ['--cpu-prof', `--cpu-prof-dir=${join(files.logDir, 'profiles', name)}`, ...args];
  }
  const readyPath = READY_PATH[kind];
  const started = await startProcess({
    name,
    args,
    env,
    logDir: files.logDir,
    readyUrls: [`http://127.0.0.1:${port}${readyPath}`],
  });
  return {
    spec,
    graphqlUrl: `http://127.0.0.1:${port}/graphql`,
    process: started,
    workers,
    [Symbol.asyncDispose]: () => started.stop(),
  };
}
