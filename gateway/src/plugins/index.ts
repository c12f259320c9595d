// The gateway's request pipeline, decided here and nowhere else. Every request passes these gates in
// this order, one after another; the first that refuses ends it and nothing after it runs:
//  1. identity — the HTTP layer verifies the client token before anything is read (http/);
//  2. rate limit — admission, still before Apollo Server parses: the client's request bucket and its
//     concurrency slot. Every request with a valid token pays here, so refusals further down are not
//     free and the audit log cannot grow faster than the quota;
//  3. limits — depth, aliases, directives, fields, variables and cost, before anything costly; with a
//     persisted-query safelist, the safelist too;
//  4. cost budget — the operation's cost (known only after 3) from the client's cost bucket;
//  5. purpose — procedure, client rights and dossier (looked up in the one-stop system under enforce);
//     they decide the scopes in force, which 6 checks fields against, and the subjects the root may name;
//  6. authorization — fields outside the scopes in force, and root fields naming subjects outside the
//     dossier, are removed from the operation;
//  7. audit — one record per request that reached Apollo Server, committed before a byte of the
//     response is sent (willSendResponse), denials included.
// Stages 3–6 run in one didResolveOperation hook (plugins/pipeline): Apollo Server runs separate
// plugins' hooks concurrently, which would let them race instead of gate one another.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../../../lib/logger.ts';
import type { Metrics } from '../../../lib/metrics.ts';
import type { RateLimiter } from '../../../lib/rateLimit/types.ts';
import type { AuditStore } from '../audit/types.ts';
import type { BenchFeature } from '../config.ts';
import type { GatewayContext } from '../context.ts';
import type { ConfigSet } from '../reload/configSet.ts';
import { auditPlugin } from './audit/index.ts';
import { authorizationStage } from './authorization/index.ts';
import { limitsStage, type QueryLimits } from './limits/index.ts';
import { observabilityPlugin } from './observability/index.ts';
import { type OperationStage, pipelinePlugin } from './pipeline/index.ts';
import type { DossierVerifier } from './purpose/dossierVerifier.ts';
import { purposeStage } from './purpose/index.ts';
import { type Admit, admission, costBudgetStage } from './rateLimit/index.ts';

export interface GatewayPipelineOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * The configuration set a request runs under, from the schema Apollo Server started it on: the
   * supergraph's scope requirements, the procedure registry and the client registry of one set.
   */
  readonly config: (schema: GraphQLSchema) => ConfigSet;
  readonly authorizationMode: 'partial' | 'reject';
  readonly dev: boolean;
  readonly limits: QueryLimits;
  readonly auditStore: AuditStore;
  /** Per-client request buckets (admission). */
  readonly rateLimiter: RateLimiter;
  /** Per-client cost buckets, in cost units. */
  readonly costLimiter: RateLimiter;
  /** Requests of one client in flight at once in this process. */
  readonly maxConcurrent: number;
  /** Proves purpose against the one-stop system; absent under PURPOSE_VERIFICATION=declared. */
  readonly dossierVerifier?: DossierVerifier;
  /** Refuses operations outside the persisted-query safelist (PERSISTED_QUERIES_ONLY=1); default none. */
  readonly safelist?: OperationStage;
  /** Features left out to price them (`npm run bench` only; config refuses it otherwise); default none. */
  readonly disabled?: ReadonlySet<BenchFeature>;
  /** Observes each operation stage as it starts (tests of the order). */
  readonly onStage?: (name: string, context: GatewayContext) => void;
}

export interface GatewayPipeline {
  /** Stage 2, run by the HTTP layer right after identity. */
  readonly admit: Admit;
  /** Stages 3–6 in order, by name. */
  readonly stages: readonly string[];
  readonly plugins: ApolloServerPlugin<GatewayContext>[];
}

export function gatewayPipeline(options: GatewayPipelineOptions): GatewayPipeline {
  const on = (feature: BenchFeature) => !options.disabled?.has(feature);
  const stages: OperationStage[] = [
    ...(on('limits') ? [limitsStage(options.limits)] : []),
    ...(options.safelist ? [options.safelist] : []),
    ...(on('rateLimit') ? [costBudgetStage({ limiter: options.costLimiter })] : []),
    purposeStage({
      config: options.config,
      ...(options.dossierVerifier ? { verifier: options.dossierVerifier } : {}),
    }),
    ...(on('authorization')
      ? [
          authorizationStage({
            config: options.config,
            mode: options.authorizationMode,
            dev: options.dev,
          }),
        ]
      : []),
  ];
  const plugins: ApolloServerPlugin<GatewayContext>[] = [
    // willSendResponse hooks run in this order: the audit first, so that a record that cannot be written
    // replaces the response (AUDIT_UNAVAILABLE) before anything else looks at it.
    ...(on('audit') ? [auditPlugin({ store: options.auditStore, logger: options.logger })] : []),
    observabilityPlugin({ metrics: options.metrics, logger: options.logger }),
    pipelinePlugin(stages, options.onStage),
  ];
  return {
    // Switched off only to price it (`npm run bench`): then every request is admitted.
    admit: on('rateLimit')
      ? admission({ limiter: options.rateLimiter, maxConcurrent: options.maxConcurrent })
      : async () => () => {},
    stages: stages.map((stage) => stage.name),
    plugins,
  };
}
