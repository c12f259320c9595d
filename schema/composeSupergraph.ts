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

/**
 * The SDL text of one subgraph: schema/<name>.graphql, and for the national-database subgraphs the
 * value types they share (schema/shared.graphql), so that those are written once.
 */
export function loadSubgraphSdl(name: SubgraphName): string {
  const own = readFileSync(new URL(`./${name}.graphql`, import.meta.url), 'utf8');
  return name === 'audit'
    ? own
    : `${own}\n${readFileSync(new URL('./shared.graphql', import.meta.url), 'utf8')}`;
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
  // Kept as composed, `for: SECURITY` included: a gateway that cannot enforce @requiresScopes refuses
  // to load it (fails closed). lienthong's gateway reads the requirements, then strips them itself.
  return `${result.supergraphSdl.trimEnd()}\n`;
}
