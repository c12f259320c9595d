// Composes the subgraphs' SDL into the supergraph the gateway serves. The SDL files beside this module
// are the source of truth; schema/supergraph.graphql is their composition, committed so that the
// gateway starts without composing and so that CI can tell when the two drift apart.
import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { DEFAULT_GATEWAY_PORT, defaultSubgraphPort, SOURCES, type Source } from '../lib/topology.ts';

/** The five national-database subgraphs and the gateway's in-process audit subgraph. */
export const SUBGRAPH_NAMES = [...SOURCES, 'audit'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** Where the supergraph says each subgraph lives: the default ports of lib/topology.ts. */
export function subgraphUrl(name: SubgraphName): string {
  // The audit subgraph is executed inside the gateway; the URL only names it and is never called.
  if (name === 'audit') return `http://127.0.0.1:${DEFAULT_GATEWAY_PORT}/internal/audit`;
  return `http://127.0.0.1:${defaultSubgraphPort(name as Source)}/graphql`;
}

export const SUPERGRAPH_FILE = new URL('./supergraph.graphql', import.meta.url);

/** The SDL text of one subgraph, from schema/<name>.graphql. */
export function loadSubgraphSdl(name: SubgraphName): string {
  return readFileSync(new URL(`./${name}.graphql`, import.meta.url), 'utf8');
}

export class CompositionError extends Error {
  override readonly name = 'CompositionError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`supergraph composition failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Composes all six subgraphs; throws CompositionError listing every problem. */
export function composeSupergraph(): string {
  const services = SUBGRAPH_NAMES.map((name) => ({
    name,
    url: subgraphUrl(name),
    typeDefs: parse(loadSubgraphSdl(name)),
  }));
  const result = composeServices(services);
  if (result.errors) {
    throw new CompositionError(
      result.errors.map((e) => {
        const code = (e.extensions['code'] as string | undefined) ?? 'ERROR';
        return `[${code}] ${e.message}`;
      }),
    );
  }
  return `${loadableByApolloGateway(result.supergraphSdl).trimEnd()}\n`;
}

const SECURITY_PURPOSE =
  /(@link\(url: "https:\/\/specs\.apollo\.dev\/requiresScopes\/v[\d.]+"), for: SECURITY\)/;

/**
 * @apollo/gateway refuses a supergraph that links a `for: SECURITY` feature it does not implement, and
 * it implements none. lienthong's gateway enforces @requiresScopes itself (and every subgraph enforces
 * its own SDL's scopes again), so the link keeps the directive and its definitions but drops the purpose.
 */
export function loadableByApolloGateway(supergraphSdl: string): string {
  if (!SECURITY_PURPOSE.test(supergraphSdl)) {
    throw new CompositionError(['the supergraph no longer links requiresScopes for SECURITY as expected']);
  }
  return supergraphSdl.replace(SECURITY_PURPOSE, '$1)');
}
