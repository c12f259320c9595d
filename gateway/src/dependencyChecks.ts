// What the gateway's /readyz reports about the processes it depends on. A subgraph that is down or
// degraded is reported but never makes the gateway unready: the gateway still serves every other
// field (UPSTREAM_UNAVAILABLE at the missing ones), and taking every replica out of the load balancer
// because one source is down would turn a partial outage into a total one. The audit store is another
// matter: without it no data may leave, so its check alone decides readiness.
import { type Dispatcher, request } from 'undici';
import type { CheckResult, ReadinessCheck } from '../../lib/httpServer.ts';

/** How long one subgraph's /readyz may take before it counts as unreachable, ms. */
export const SUBGRAPH_CHECK_TIMEOUT_MS = 1_000;
/** A result is reused this long, so that a busy load balancer's probes do not fan out, ms. */
export const CHECK_REUSE_MS = 1_000;

/** One `subgraph:<name>` entry per subgraph the gateway calls. */
export function subgraphChecks(
  graphqlUrls: Readonly<Record<string, string>>,
  dispatcher?: Dispatcher,
): Record<string, ReadinessCheck> {
  return Object.fromEntries(
    Object.entries(graphqlUrls).map(([name, url]) => [`subgraph:${name}`, subgraphCheck(url, dispatcher)]),
  );
}

/** A check for a subgraph: its own /readyz, beside its GraphQL endpoint. */
export function subgraphCheck(graphqlUrl: string, dispatcher?: Dispatcher): ReadinessCheck {
  const readyz = new URL('/readyz', graphqlUrl).href;
  return reused(async (): Promise<CheckResult> => {
    try {
      const response = await request(readyz, {
        ...(dispatcher ? { dispatcher } : {}),
        signal: AbortSignal.timeout(SUBGRAPH_CHECK_TIMEOUT_MS),
      });
      const body = (await response.body.json().catch(() => undefined)) as
        | { checks?: Record<string, CheckResult> }
        | undefined;
      if (response.statusCode !== 200) return { ok: false, degraded: true, detail: 'not ready' };
      const degraded = Object.values(body?.checks ?? {}).some((check) => !check.ok);
      return degraded ? { ok: false, degraded: true, detail: 'degraded' } : { ok: true, detail: 'ready' };
    } catch {
      return { ok: false, degraded: true, detail: 'unreachable' };
    }
  });
}

/** Wraps a check so that its result is reused for CHECK_REUSE_MS and concurrent probes share one call. */
export function reused(check: () => Promise<CheckResult>, now: () => number = Date.now): ReadinessCheck {
  let last: { at: number; result: Promise<CheckResult> } | undefined;
  return () => {
    if (!last || now() - last.at >= CHECK_REUSE_MS) last = { at: now(), result: check() };
    return last.result;
  };
}
