// The gateway's gatekeeping as one sequential pipeline. Apollo Server runs every plugin's
// didResolveOperation concurrently, so gates written as separate plugins would not gate one another
// (a rate limit would not stop a purpose check, a limit would not stop authorization). Here the
// stages run one after another in the order plugins/index.ts lists them: the first that refuses ends
// the request, and nothing after it runs.
import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { withSpan } from '../../../../lib/tracing.ts';
import type { GatewayContext } from '../../context.ts';
import { operationRewrites } from '../../rewritingGateway.ts';
import type { RootDenial } from '../purpose/dossierSubjects.ts';

/** What the stages of one request hand to each other. */
export interface PipelineState {
  /** The operation's estimated cost (set by the limits stage, spent by the cost budget). */
  cost?: number;
  /** Root fields naming subjects outside the dossier (set by purpose, applied by authorization). */
  rootDenials?: readonly RootDenial[];
}

export type OperationRequest = GraphQLRequestContextDidResolveOperation<GatewayContext>;

/** One gate on a resolved operation: throws a coded GraphQLError to refuse the request. */
export interface OperationStage {
  readonly name: string;
  run(request: OperationRequest, state: PipelineState): Promise<void> | void;
}

/** Runs the stages in order for each resolved operation; `onStage` observes each one (tests, tracing). */
export function pipelinePlugin(
  stages: readonly OperationStage[],
  onStage?: (name: string, context: GatewayContext) => void,
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(request) {
          const state: PipelineState = {};
          for (const stage of stages) {
            onStage?.(stage.name, request.contextValue);
            // Each stage in a span of its own: a trace shows which one took the time or refused.
            await withSpan(`pipeline.${stage.name}`, () => stage.run(request, state));
          }
        },
        async responseForOperation({ contextValue: context, response }) {
          // Everything asked for was denied: answer without planning or calling any subgraph.
          const rewrite = operationRewrites.get(context);
          if (!rewrite?.empty) return null;
          const result = rewrite.finish ? rewrite.finish({ data: {} }) : { data: {} };
          return { http: response.http, body: { kind: 'single', singleResult: result } };
        },
      };
    },
  };
}
