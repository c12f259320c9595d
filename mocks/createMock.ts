// Builds one mock national database (or the one-stop system) as an HTTP server (never exits the
// process): the source's routes, fault injection, request counters, change events, and for the results
// registry its key.
import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { Counter } from 'prom-client';
import { startServiceServer } from '../lib/httpServer.ts';
import { generateSigningJwk, type SigningKey, signingKeyFromJwk } from '../lib/keys.ts';
import { type Logger, silentLogger } from '../lib/logger.ts';
import { createMetrics } from '../lib/metrics.ts';
import type { MockSource } from '../lib/topology.ts';
import { type ChangeEvent, ChangeLog } from './changes.ts';
import { fixtureDossiers } from './dossierFixtures.ts';
import { DossierStore } from './dossiers.ts';
import { FaultInjector, type Faults } from './faults.ts';
import { mockHandler, touchRecord } from './mockHandler.ts';
import { ResultsRegistry } from './resultsRegistry.ts';
import type { SourceDefinition } from './route.ts';
import { businessSource } from './routes/business.ts';
import { insuranceSource } from './routes/insurance.ts';
import { landSource } from './routes/land.ts';
import { onestopSource } from './routes/onestop.ts';
import { populationSource } from './routes/population.ts';
import { resultsSource } from './routes/results.ts';
import { Stats, type StatsSnapshot } from './stats.ts';

export interface CreateMockOptions {
  readonly source: MockSource;
  /** Port to listen on; default 0 (any free port). */
  readonly port?: number;
  /** Interface to bind; default 127.0.0.1. */
  readonly host?: string;
  /** The key clients must send as `Authorization: Bearer <apiKey>`. */
  readonly apiKey: string;
  /** Initial faults; default none. */
  readonly faults?: Partial<Faults>;
  /** Default: a silent logger. */
  readonly logger?: Logger;
  /** results only: the registry's signing key; default a fresh in-memory EdDSA key. */
  readonly registryKey?: SigningKey;
  /** Keep-alive comment interval of the event stream, ms; default 15 000. */
  readonly keepAliveMs?: number;
  /** onestop only: received dossiers kept in memory, the oldest forgotten first; default 10 000. */
  readonly maxReceivedDossiers?: number;
}

export interface MockServer extends AsyncDisposable {
  readonly source: MockSource;
  readonly url: string;
  readonly port: number;
  /** Same as GET /__admin/stats. */
  stats(): StatsSnapshot;
  resetStats(): void;
  faults(): Faults;
  setFaults(faults: Partial<Faults>): Faults;
  /**
   * results only: signs with a new key (default a fresh EdDSA key) from now on; the old public key
   * stays listed at /.well-known/jwks.json. Returns the new key's public JWK.
   */
  rotateRegistryKey(key?: SigningKey): Promise<JWK>;
  /** Requests currently held open by a timeout fault. */
  heldRequests(): number;
  /** Marks a record changed (phienBan + 1) and publishes the event; throws when there is no such record. */
  touch(entity: string, id: string): ChangeEvent;
  close(): Promise<void>;
}

export async function createMock(options: CreateMockOptions): Promise<MockServer> {
  if (options.apiKey.length === 0) throw new Error('createMock: apiKey must not be empty');
  const logger = options.logger ?? silentLogger();
  const metrics = createMetrics(`mock-${options.source}`);
  const requests = new Counter({
    name: 'lienthong_mock_requests_total',
    help: 'Requests to a mock national database by route template and outcome.',
    labelNames: ['route', 'outcome'],
    registers: [metrics.registry],
  });
  const changes = new ChangeLog();
  const faults = new FaultInjector(options.faults);
  const stats = new Stats();
  const { definition, publicRoutes, registry } = await buildSource(options, changes);
  const deps = { definition, apiKey: options.apiKey, faults, stats, changes, logger, requests, publicRoutes };
  const server = await startServiceServer({
    name: `mock-${options.source}`,
    port: options.port ?? 0,
    host: options.host,
    logger,
    registry: metrics.registry,
    handler: mockHandler({ ...deps, keepAliveMs: options.keepAliveMs }),
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    // Held and streaming requests would otherwise keep the drain waiting for its full timeout.
    closing ??= (async () => {
      faults.releaseAll();
      changes.closeStreams();
      await server.close();
    })();
    return closing;
  };
  return {
    source: options.source,
    url: server.url,
    port: server.port,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    faults: () => faults.get(),
    setFaults: (patch) => faults.set(patch),
    heldRequests: () => faults.heldCount(),
    rotateRegistryKey: async (key) => {
      if (!registry) throw new Error(`rotateRegistryKey: the ${options.source} mock has no registry key`);
      const next = key ?? (await freshRegistryKey());
      registry.rotate(next);
      return next.publicJwk;
    },
    touch: (entity, id) => {
      const outcome = touchRecord(deps, entity, id);
      if (typeof outcome === 'string') throw new Error(`touch: ${outcome} (${entity})`);
      return outcome;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

async function buildSource(
  options: CreateMockOptions,
  changes: ChangeLog,
): Promise<{
  definition: SourceDefinition;
  publicRoutes?: Record<string, () => unknown>;
  registry?: ResultsRegistry;
}> {
  switch (options.source) {
    case 'population':
      return { definition: populationSource(changes) };
    case 'business':
      return { definition: businessSource(changes) };
    case 'insurance':
      return { definition: insuranceSource(changes) };
    case 'land':
      return { definition: landSource(changes) };
    case 'onestop':
      return {
        definition: onestopSource(
          new DossierStore({ fixtures: fixtureDossiers(), maxReceived: options.maxReceivedDossiers }),
        ),
      };
    case 'results': {
      const registry = new ResultsRegistry({
        key: options.registryKey ?? (await freshRegistryKey()),
        changes,
      });
      return {
        definition: resultsSource(registry),
        publicRoutes: { '/.well-known/jwks.json': () => registry.jwks() },
        registry,
      };
    }
  }
}

async function freshRegistryKey(): Promise<SigningKey> {
  return signingKeyFromJwk(await generateSigningJwk('EdDSA', `results-registry-${randomUUID().slice(0, 8)}`));
}
