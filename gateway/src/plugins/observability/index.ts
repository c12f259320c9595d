// Counts every GraphQL request by outcome, times it, and writes one log line without personal data
// (client id, procedure, operation name and outcome; never variables or field values).
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../../../lib/logger.ts';
import type { Metrics } from '../../../../lib/metrics.ts';
import type { GatewayContext } from '../../context.ts';
import { outcomeOf } from '../../outcome.ts';

export interface ObservabilityPluginOptions {
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export function observabilityPlugin(options: ObservabilityPluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue: context, response, operationName }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          const outcome = outcomeOf(data, errors);
          const seconds = (performance.now() - context.startedAt) / 1000;
          options.metrics.graphqlRequests.labels(outcome).inc();
          options.metrics.requestDuration.observe(seconds);
          options.logger.info(
            {
              rid: context.requestId,
              crid: context.clientRequestId,
              // A citizen's token carries the citizen's id as its client id: never logged.
              client: context.identity.scopes.has('citizen:self') ? 'citizen' : context.identity.clientId,
              procedure: context.resolution.caller?.procedureCode,
              operation: operationName ?? undefined,
              outcome,
              codes: errors?.map((e) => e.extensions?.['code']),
              ms: Math.round(seconds * 1000),
            },
            'graphql request',
          );
        },
      };
    },
  };
}
