// How the gateway calls a subgraph: over a keep-alive undici pool with a deadline, carrying a freshly
// signed internal token, and never passing a subgraph's raw error text to the client.
//
// @apollo/gateway's RemoteGraphQLDataSource has no timeout, copies the upstream body into client
// errors (errorFromResponse) and forwards subgraph error messages as they are; this data source
// replaces it rather than patching those three places.
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { type GraphQLFormattedError, Kind, parse } from 'graphql';
import type { Dispatcher } from 'undici';
import { ErrorCode, isErrorCode, upstreamUnavailable } from '../../lib/errors.ts';
import { type Caller, INTERNAL_TOKEN_LIFETIME_SECONDS, signInternalToken } from '../../lib/internalToken.ts';
import type { SigningKey } from '../../lib/keys.ts';
import type { Logger } from '../../lib/logger.ts';
import { isSource } from '../../lib/topology.ts';
import { withSpan } from '../../lib/tracing.ts';
import { subjectKey } from './auditGraph/subjectKey.ts';
import type { GatewayContext } from './context.ts';
import type { EntityKeys } from './operation/entityKeys.ts';
import { redactForLog } from './redactForLog.ts';

/** The response extension in which subgraphs report the entities they returned. */
const SERVED_SUBJECTS_EXTENSION = 'servedSubjects';

export interface SubgraphDataSourceOptions {
  /** Subgraph name as in the supergraph (the internal token's audience). */
  readonly name: string;
  readonly url: string;
  readonly dispatcher: Dispatcher;
  readonly signingKey: SigningKey;
  readonly logger: Logger;
  /** Upper bound for one subgraph request, in ms, even when the request's deadline is later. Default 10 000. */
  readonly timeoutMs?: number;
  /** Largest subgraph response accepted, in bytes. Default 16 MiB. */
  readonly maxResponseBytes?: number;
  /** Entity type → key fields (from the supergraph), to name the subjects of `_entities` requests. */
  readonly entityKeys: EntityKeys;
}

/**
 * Internal tokens already signed for a request, per subgraph: a plan that calls one subgraph several
 * times (root field, then entities) signs once. Keyed by the request's caller object, so a token is
 * never shared between requests. Reused for at most a third of the token's lifetime, so a long
 * request (REQUEST_TIMEOUT_MS can exceed it) never sends an expired one.
 */
const signedTokens = new WeakMap<Caller, Map<string, { token: string; signedAt: number }>>();
const REUSE_MS = (INTERNAL_TOKEN_LIFETIME_SECONDS * 1000) / 3;

function internalTokenFor(key: SigningKey, caller: Caller, subgraph: string): string {
  let tokens = signedTokens.get(caller);
  if (!tokens) {
    tokens = new Map();
    signedTokens.set(caller, tokens);
  }
  const now = Date.now();
  const signed = tokens.get(subgraph);
  if (signed && now - signed.signedAt < REUSE_MS) return signed.token;
  const token = signInternalToken(key, caller, subgraph);
  tokens.set(subgraph, { token, signedAt: now });
  return token;
}

/** Extensions a client may see on a subgraph's error: the contract's codes and their safe details. */
const SAFE_EXTENSIONS = ['code', 'argument', 'source', 'missingScopes', 'limit'] as const;

export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  readonly #options: SubgraphDataSourceOptions;
  readonly #origin: string;
  readonly #path: string;
  /** Reads in flight, by principal and body: see `#fetchShared`. */
  readonly #inFlight = new Map<string, Promise<string>>();

  constructor(options: SubgraphDataSourceOptions) {
    this.#options = options;
    const url = new URL(options.url);
    this.#origin = url.origin;
    this.#path = url.pathname + url.search;
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const context = options.context;
    const caller = context.resolution.caller;
    if (!caller) return { errors: [internalFormatted()] };
    const { query, variables, operationName } = options.request;
    const body = JSON.stringify({ query, variables, operationName });
    context.sourcesTouched.add(this.#options.name);
    // Whose data crosses the gateway, whatever the client selected: every entity sent to be resolved…
    recordRepresentations(variables?.['representations'], this.#options.entityKeys, context.subjectsServed);
    try {
      const text = await withSpan(
        'subgraph.fetch',
        () => this.#fetchShared(query, body, caller, context.deadline),
        {
          'lienthong.subgraph': this.#options.name,
        },
      );
      const parsed = JSON.parse(text) as {
        data?: Record<string, unknown> | null;
        errors?: GraphQLFormattedError[];
        extensions?: Record<string, unknown>;
      };
      // …and every entity the subgraph reports it returned (subgraphs/common/servedSubjects.ts).
      recordReported(parsed.extensions?.[SERVED_SUBJECTS_EXTENSION], context.subjectsServed);
      delete parsed.extensions;
      if (parsed.errors) parsed.errors = parsed.errors.map((e) => this.#mask(e, caller));
      return parsed;
    } catch (error) {
      this.#options.logger.warn(
        { subgraph: this.#options.name, rid: caller.requestId, err: redactForLog(error) },
        'subgraph request failed',
      );
      const message = `The ${this.#options.name} service did not answer in time.`;
      const extensions = { code: ErrorCode.UPSTREAM_UNAVAILABLE, source: this.#options.name };
      return { errors: failurePaths(query, variables).map((path) => ({ message, path, extensions })) };
    }
  }

  /**
   * An identical read for the same principal and purpose (client, officer, agency, scopes in force,
   * procedure, dossier) that is already in flight is joined instead of sent again: under a burst of the
   * same request the subgraph answers once. Each request still gets its own parse of the text, its own
   * masking and its own audit record; nothing is shared between principals, and writes are never joined.
   */
  #fetchShared(query: string | undefined, body: string, caller: Caller, deadline: number): Promise<string> {
    if (!query || !/^\s*(query\b|\{)/.test(query)) return this.#send(body, caller, deadline);
    const key = `${principalKey(caller)}\n${body}`;
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const sent = this.#send(body, caller, deadline).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, sent);
    return sent;
  }

  async #send(body: string, caller: Caller, deadline: number): Promise<string> {
    const token = internalTokenFor(this.#options.signingKey, caller, this.#options.name);
    const budget = Math.min(deadline - Date.now(), this.#options.timeoutMs ?? 10_000);
    if (budget <= 0) throw new Error('deadline passed before the subgraph request');
    const response = await this.#options.dispatcher.request({
      origin: this.#origin,
      path: this.#path,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-request-id': caller.requestId,
      },
      body,
      // The pool's own timeouts bound only gaps between bytes; this bounds the whole exchange.
      signal: AbortSignal.timeout(budget),
    });
    const limit = this.#options.maxResponseBytes ?? 16 * 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        response.body.destroy();
        throw new Error(`subgraph response over ${limit} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (response.statusCode !== 200 && !text.startsWith('{')) {
      throw new Error(`subgraph answered HTTP ${response.statusCode}`);
    }
    return text;
  }

  /** Keeps the contract's codes and their safe details; anything else becomes INTERNAL_SERVER_ERROR. */
  #mask(error: GraphQLFormattedError, caller: Caller): GraphQLFormattedError {
    const code = error.extensions?.['code'];
    if (!isErrorCode(code) || code === ErrorCode.INTERNAL_SERVER_ERROR) {
      this.#options.logger.error(
        { subgraph: this.#options.name, rid: caller.requestId, code, message: redactForLog(error.message) },
        'subgraph error masked',
      );
      return { ...internalFormatted(), ...(error.path ? { path: error.path } : {}) };
    }
    const extensions: Record<string, unknown> = {};
    for (const key of SAFE_EXTENSIONS) {
      if (error.extensions?.[key] !== undefined) extensions[key] = error.extensions[key];
    }
    // An upstream failure's message is rebuilt from its source rather than passed on: it is the one
    // coded error whose text a subgraph composes from what its national database answered.
    let message = error.message;
    if (code === ErrorCode.UPSTREAM_UNAVAILABLE) {
      const source = String(extensions['source']);
      extensions['source'] = isSource(source) ? source : this.#options.name;
      message = upstreamUnavailable(String(extensions['source'])).message;
    }
    return { message, ...(error.path ? { path: error.path } : {}), extensions };
  }
}

/** The subject of each `_entities` representation whose type is an entity with a known key. */
export function recordRepresentations(
  representations: unknown,
  keys: EntityKeys,
  subjects: Set<string>,
): void {
  if (!Array.isArray(representations)) return;
  for (const representation of representations) {
    if (representation === null || typeof representation !== 'object') continue;
    const fields = representation as Record<string, unknown>;
    const typeName = fields['__typename'];
    const keyFields = typeof typeName === 'string' ? keys.get(typeName) : undefined;
    if (!keyFields) continue;
    const values = keyFields.map((field) => fields[field]);
    if (values.every((v) => typeof v === 'string' || typeof v === 'number')) {
      subjects.add(`${typeName}:${values.join(':')}`);
    }
  }
}

/** Subjects a subgraph reports, each checked to be a well-formed `Type:identifier` before it is kept. */
export function recordReported(reported: unknown, subjects: Set<string>): void {
  if (!Array.isArray(reported)) return;
  for (const subject of reported) {
    if (typeof subject === 'string' && subjectKey(subject) === subject) subjects.add(subject);
  }
}

/** Everything an internal token says about who asks and why, except the per-request id and deadline. */
function principalKey(caller: Caller): string {
  return JSON.stringify([
    caller.clientId,
    caller.officer ?? null,
    caller.agency ?? null,
    [...caller.scopes].sort(),
    caller.procedureCode ?? null,
    caller.dossierId ?? null,
  ]);
}

/**
 * Where the error of a subgraph that did not answer belongs (DESIGN.md: null *at that path*): at each
 * entity it was asked to resolve (@apollo/gateway rewrites `_entities` paths to the client's) or at
 * each root field it was asked for.
 */
export function failurePaths(
  query: string | undefined,
  variables: Readonly<Record<string, unknown>> | undefined,
): (string | number)[][] {
  const representations = variables?.['representations'];
  if (Array.isArray(representations)) return representations.map((_, i) => ['_entities', i]);
  try {
    const operation = parse(query ?? '').definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    const fields = operation?.selectionSet.selections.flatMap((s) =>
      s.kind === Kind.FIELD ? [[(s.alias ?? s.name).value]] : [],
    );
    return fields?.length ? fields : [[]];
  } catch {
    return [[]];
  }
}

function internalFormatted(): GraphQLFormattedError {
  return { message: 'Internal server error.', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}
