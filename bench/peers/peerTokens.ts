// The peers' way through the subgraphs' trust: the subgraphs serve only requests carrying an internal
// token (lib/internalToken.ts) that lives 30 s. A peer gateway gets, per subgraph, a token signed with
// the benchmark's internal key, re-signed on a timer well inside its lifetime, and sends it as a
// static header. Only the benchmark holds that key; the subgraphs' trust settings are unchanged. The
// results subgraph's token also carries `results:issue` as the workload's issuing agency under the
// issuing procedure, so the peers issue the workload's results as lienthong does (the subgraph checks
// the procedure only on writes).
import { INTERNAL_TOKEN_LIFETIME_SECONDS, signInternalToken } from '../../lib/internalToken.ts';
import { loadSigningKey } from '../../lib/keys.ts';
import { BENCH_DOSSIER, BENCH_PROCEDURE, READ_SCOPES } from '../benchKeys.ts';
import { BENCH_CLIENTS, ISSUE_PROCEDURE, ISSUING_CLIENT } from '../workload.ts';

export interface PeerTokens {
  /** The Authorization header for a subgraph, fresh. */
  header(subgraph: string): string;
  stop(): void;
}

export async function startPeerTokens(keyFile: string, subgraphs: readonly string[]): Promise<PeerTokens> {
  const key = await loadSigningKey(keyFile);
  const headers = new Map<string, string>();
  const refresh = async () => {
    for (const subgraph of subgraphs) {
      const issuing = subgraph === 'results';
      const token = await signInternalToken(
        key,
        {
          clientId: 'bench.peer',
          scopes: issuing ? [...READ_SCOPES, 'results:issue'] : [...READ_SCOPES],
          procedureCode: issuing ? ISSUE_PROCEDURE : BENCH_PROCEDURE,
          ...(issuing ? { agency: BENCH_CLIENTS[ISSUING_CLIENT]?.agency } : {}),
          dossierId: BENCH_DOSSIER,
          requestId: 'bench-peer-static',
        },
        subgraph,
      );
      headers.set(subgraph, `Bearer ${token}`);
    }
  };
  await refresh();
  // A third of the lifetime: a token is never used past two thirds of its life.
  const timer = setInterval(() => void refresh(), (INTERNAL_TOKEN_LIFETIME_SECONDS * 1000) / 3);
  timer.unref();
  return {
    header: (subgraph) => headers.get(subgraph) ?? '',
    stop: () => clearInterval(timer),
  };
}

/** Subgraph name → URL from `name=url,…` (the same syntax as the gateway's SUBGRAPH_URLS). */
export function parseSubgraphUrls(raw: string): Record<string, string> {
  return Object.fromEntries(
    raw.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at), part.slice(at + 1)];
    }),
  );
}
