// A pipeline stage in a span of its own: the plugin's didResolveOperation (where each stage decides)
// runs inside `name`, so a trace shows which stage took the time or refused the request.
import type { ApolloServerPlugin } from '@apollo/server';
import { withSpan } from '../../../lib/tracing.ts';
import type { GatewayContext } from '../context.ts';

export function tracedPlugin(
  name: string,
  plugin: ApolloServerPlugin<GatewayContext>,
): ApolloServerPlugin<GatewayContext> {
  const start = plugin.requestDidStart?.bind(plugin);
  if (!start) return plugin;
  return {
    ...plugin,
    async requestDidStart(requestContext) {
      const listener = await start(requestContext);
      const decide = listener?.didResolveOperation?.bind(listener);
      if (!listener || !decide) return listener;
      return { ...listener, didResolveOperation: (context) => withSpan(name, () => decide(context)) };
    },
  };
}
