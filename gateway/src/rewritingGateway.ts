// Runs the operation that the gateway's plugins decided on, not necessarily the one the client sent.
// Authorization removes fields outside the scopes in force, producing a rewritten document. @apollo/gateway caches query plans under requestContext.queryHash,
// so the rewritten document must get its own key: a plan made for one client's scopes must never
// serve another's.
import type { DocumentNode } from 'graphql';
import type { GatewayContext } from './context.ts';
import type { Executor } from './reload/configSet.ts';
import type { LiveConfig } from './reload/liveConfig.ts';

type InnerGateway = LiveConfig['gateway'];
type LoadResult = Awaited<ReturnType<InnerGateway['load']>>;
type RequestContext = Parameters<Executor>[0];
type ExecutionResult = Awaited<ReturnType<Executor>>;

export interface OperationRewrite {
  readonly document: DocumentNode;
  /** Distinguishes plans of different rewrites of the same operation (e.g. a hash of the decision). */
  readonly planKey: string;
  /** Nothing is left to ask any subgraph (everything selected was denied): answered without planning. */
  readonly empty?: boolean;
  /** Adjusts the result before it goes back to Apollo Server (e.g. null + FORBIDDEN at denied paths). */
  readonly finish?: (result: ExecutionResult) => ExecutionResult;
}

/** Set by plugins in didResolveOperation; read once by the executor. */
export const operationRewrites = new WeakMap<GatewayContext, OperationRewrite>();

export function rewritingGateway(inner: InnerGateway) {
  return {
    async load(): Promise<LoadResult> {
      const loaded = await inner.load();
      const execute = loaded.executor;
      const executor: Executor = async (requestContext: RequestContext) => {
        const rewrite = operationRewrites.get(requestContext.context as GatewayContext);
        if (!rewrite) return execute(requestContext);
        const result = await execute({
          ...requestContext,
          document: rewrite.document,
          queryHash: `${requestContext.queryHash}:${rewrite.planKey}`,
        } as RequestContext);
        return rewrite.finish ? rewrite.finish(result) : result;
      };
      return { schema: loaded.schema, executor };
    },
    onSchemaLoadOrUpdate: inner.onSchemaLoadOrUpdate.bind(inner),
    stop: () => inner.stop(),
  };
}
