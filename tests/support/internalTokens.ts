// Test helpers: a gateway key pair of the tests' own, and internal tokens signed with it.
import type { JSONWebKeySet } from 'jose';
import type { Caller } from '../../lib/internalToken.ts';
import { signInternalToken } from '../../lib/internalToken.ts';
import { generateSigningJwk, type SigningKey, signingKeyFromJwk, toJwks } from '../../lib/keys.ts';

export interface TestSigner {
  readonly jwks: JSONWebKeySet;
  readonly key: SigningKey;
  /** A token for `subgraph` carrying these scopes (and any other caller fields). */
  token(subgraph: string, scopes: readonly string[], caller?: Partial<Caller>, nowSeconds?: number): string;
}

export async function createTestSigner(): Promise<TestSigner> {
  const key = await signingKeyFromJwk(await generateSigningJwk('EdDSA'));
  return {
    jwks: toJwks([key.publicJwk]),
    key,
    token: (subgraph, scopes, caller = {}, nowSeconds) =>
      signInternalToken(
        key,
        { clientId: 'test-client', requestId: 'test-request', ...caller, scopes },
        subgraph,
        nowSeconds,
      ),
  };
}

export interface GraphQLAnswer {
  readonly status: number;
  readonly body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  };
}

/** POSTs a GraphQL request to a subgraph. */
export async function postGraphQL(
  url: string,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLAnswer['body'] };
}

/** The codes of an answer's errors, by path joined with dots. */
export function errorCodes(answer: GraphQLAnswer): Record<string, unknown> {
  return Object.fromEntries(
    (answer.body.errors ?? []).map((e) => [(e.path ?? []).join('.'), e.extensions?.['code']]),
  );
}
