// The order of the gateway's plugins, decided here and nowhere else.
//  0. audit first: Apollo Server runs willSendResponse hooks in this order, and a record that cannot
//     be written replaces the response (AUDIT_UNAVAILABLE) before anything else looks at it; it also
//     sees every denial, since those are thrown by the plugins below and still end in willSendResponse;
//  1. observability next, so that every request is counted and timed, whatever rejects it later;
//  2. limits before anything costly: a hostile operation is refused before planning or any fetch;
//     with a persisted-query safelist, so is an operation that is not on it;
//  3. rate limiting right after identity and limits: it needs only the client id and the token's
//     scopes, and a client over its quota is refused before its purpose is checked or anything is
//     planned or fetched;
//  4. purpose before authorization: the procedure decides the scopes in force, which authorization
//     checks fields against (identity itself is settled before any plugin, in the HTTP layer);
//  5. authorization last among the deciders, so the rewritten operation reflects every decision.
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../../lib/logger.ts';
import type { Metrics } from '../../../lib/metrics.ts';
import type { RateLimiter } from '../../../lib/rateLimit/types.ts';
import type { AuditStore } from '../audit/types.ts';
import type { BenchFeature } from '../config.ts';
import type { GatewayContext } from '../context.ts';
import type { EntityKeys } from '../operation/subjects.ts';
import type { ScopeRequirements } from '../operation/supergraphSecurity.ts';
import type { ProcedureRegistry } from '../procedures.ts';
import { auditPlugin } from './audit/index.ts';
import { authorizationPlugin } from './authorization/index.ts';
import { limitsPlugin, type QueryLimits } from './limits/index.ts';
import { observabilityPlugin } from './observability/index.ts';
import { purposePlugin } from './purpose/index.ts';
import { rateLimitPlugin } from './rateLimit/index.ts';

export interface GatewayPluginsOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly registry: ProcedureRegistry;
  readonly requirements: ScopeRequirements;
  readonly entityKeys: EntityKeys;
  readonly authorizationMode: 'partial' | 'reject';
  readonly dev: boolean;
  readonly limits: QueryLimits;
  readonly auditStore: AuditStore;
  /** Per-client quotas; default none (tests of other features). */
  readonly rateLimiter?: RateLimiter;
  /** Refuses operations outside the persisted-query safelist (PERSISTED_QUERIES_ONLY=1); default none. */
  readonly safelist?: ApolloServerPlugin<GatewayContext>;
  /** Features left out to price them (`npm run bench` only; config refuses it otherwise); default none. */
  readonly disabled?: ReadonlySet<BenchFeature>;
}

export function gatewayPlugins(options: GatewayPluginsOptions): ApolloServerPlugin<GatewayContext>[] {
  const on = (feature: BenchFeature) => !options.disabled?.has(feature);
  return [
    on('audit') && auditPlugin({ store: options.auditStore, logger: options.logger }),
    observabilityPlugin({ metrics: options.metrics, logger: options.logger }),
    on('limits') && limitsPlugin(options.limits),
    ...(options.safelist ? [options.safelist] : []),
    ...(options.rateLimiter && on('rateLimit') ? [rateLimitPlugin({ limiter: options.rateLimiter })] : []),
    purposePlugin({ registry: options.registry }),
    on('authorization') &&
      authorizationPlugin({
        requirements: options.requirements,
        entityKeys: options.entityKeys,
        mode: options.authorizationMode,
        dev: options.dev,
      }),
  ].filter((plugin) => plugin !== false);
}
