// The files a gateway serves from, read and checked as one set: the supergraph (SUPERGRAPH_FILE), the
// procedure registry (PROCEDURES_FILE) and the client registry (CLIENTS_FILE). The start-up and every
// reload go through loadConfigSet, so a reload refuses exactly what the start-up refuses: a supergraph
// that does not parse, lacks the composition metadata or a root field's scope directive, or that
// @apollo/gateway cannot build a query planner for; a registry that fails its schema; procedure
// fields the schema does not have; client rights to unknown procedures.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ApolloGateway } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';
import { ConfigError } from '../../../lib/errors.ts';
import { type FieldLabels, readFieldLabels } from '../admin/fieldLabels.ts';
import { assertEnforceable } from '../operation/enforcementGuard.ts';
import { type EntityKeys, readEntityKeys } from '../operation/entityKeys.ts';
import {
  readScopeRequirements,
  type ScopeRequirements,
  stripSecurityFeatures,
} from '../operation/supergraphSecurity.ts';
import {
  type ClientRegistry,
  clientRegistryOfText,
  openClientRegistry,
  readClientRegistry,
} from '../plugins/purpose/clientRegistry.ts';
import {
  assertProcedureFieldsExist,
  DEFAULT_PROCEDURES_FILE,
  type ProcedureRegistry,
  procedureRegistryOfText,
  readProcedureRegistry,
} from '../procedures.ts';

/** Which of the three files a problem is in (the `file` label of lienthong_config_reloads_total). */
export type ConfigFile = 'supergraph' | 'procedures' | 'clients';

export interface ConfigFiles {
  readonly supergraph: string;
  /** PROCEDURES_FILE; undefined: the registry shipped with lienthong. */
  readonly procedures: string | undefined;
  /** CLIENTS_FILE; undefined: the open registry (dev mode or PURPOSE_VERIFICATION=declared). */
  readonly clients: string | undefined;
}

/** What one request is decided under: it sees all of one set, never parts of two. */
export interface ConfigSet {
  /** sha256 of the supergraph as read, hex (lienthong_config_info{supergraph}). */
  readonly supergraphHash: string;
  /** sha256 over the three files' contents: tells sets apart in caches keyed by what they decide. */
  readonly hash: string;
  readonly supergraphSdl: string;
  readonly requirements: ScopeRequirements;
  readonly entityKeys: EntityKeys;
  readonly registry: ProcedureRegistry;
  readonly clients: ClientRegistry;
  readonly fieldLabels: FieldLabels;
}

/** A set with the @apollo/gateway built for it: its schema and its query planner. */
export interface LoadedConfig {
  readonly set: ConfigSet;
  readonly gateway: ApolloGateway;
  readonly schema: GraphQLSchema;
  readonly executor: Executor;
}

export type Executor = NonNullable<Awaited<ReturnType<ApolloGateway['load']>>['executor']>;

/** A set refused: `file` names the culprit; `error` is what the start-up would have thrown. */
export class InvalidConfigFile extends Error {
  override readonly name = 'InvalidConfigFile';
  readonly file: ConfigFile;
  readonly path: string;
  readonly error: unknown;
  constructor(file: ConfigFile, path: string, error: unknown) {
    super(`${file} (${path}): ${describe(error)}`);
    this.file = file;
    this.path = path;
    this.error = error;
  }
}

/**
 * Reads and checks the three files and builds their gateway with `buildGateway` (which gets the
 * supergraph without the security features, as lienthong enforces them itself). Throws
 * InvalidConfigFile; nothing is served from a set until this resolves.
 */
export async function loadConfigSet(
  files: ConfigFiles,
  buildGateway: (strippedSdl: string, set: Omit<ConfigSet, 'registry' | 'clients'>) => ApolloGateway,
): Promise<LoadedConfig> {
  const supergraphSdl = await step('supergraph', files.supergraph, () => readFile(files.supergraph, 'utf8'));
  const parts = await step('supergraph', files.supergraph, () => {
    const requirements = readScopeRequirements(supergraphSdl);
    assertEnforceable(supergraphSdl, requirements, files.supergraph);
    return {
      requirements,
      entityKeys: readEntityKeys(supergraphSdl),
      fieldLabels: readFieldLabels(supergraphSdl),
      stripped: stripSecurityFeatures(supergraphSdl),
    };
  });
  const proceduresPath = files.procedures ?? DEFAULT_PROCEDURES_FILE;
  // Each file is read once: what is checked is what is hashed and served.
  const proceduresText = await step('procedures', proceduresPath, () =>
    readProcedureRegistry(proceduresPath),
  );
  const clientsPath = files.clients;
  const clientsText =
    clientsPath === undefined
      ? ''
      : await step('clients', clientsPath, () => readClientRegistry(clientsPath));
  const supergraphHash = sha256(supergraphSdl);
  const hash = sha256(`${supergraphHash}\n${sha256(proceduresText)}\n${sha256(clientsText)}`);
  const base = {
    supergraphHash,
    hash,
    supergraphSdl,
    requirements: parts.requirements,
    entityKeys: parts.entityKeys,
    fieldLabels: parts.fieldLabels,
  };
  // Supergraph.build checks the composition metadata (@link, join__*) and the planner is built here:
  // a supergraph that cannot be planned is refused now, not on the first request.
  const gateway = buildGateway(parts.stripped, base);
  const loaded = await step('supergraph', files.supergraph, () => gateway.load());
  const { executor, schema } = loaded;
  if (!executor) throw new InvalidConfigFile('supergraph', files.supergraph, new Error('no executor'));
  const registry = await step('procedures', proceduresPath, () => {
    const registry = procedureRegistryOfText(proceduresText, proceduresPath);
    assertProcedureFieldsExist(registry, schema, files.procedures ?? 'schema/procedures.json');
    return registry;
  });
  const clients =
    clientsPath === undefined
      ? openClientRegistry()
      : await step('clients', clientsPath, () => clientRegistryOfText(clientsText, clientsPath, registry));
  return { set: Object.freeze({ ...base, registry, clients }), gateway, schema, executor };
}

async function step<T>(file: ConfigFile, path: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new InvalidConfigFile(file, path, error);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The reason in one line: a ConfigError's problems, or the first line of another error's message. */
export function describe(error: unknown): string {
  if (error instanceof ConfigError) return error.problems.join('; ');
  if (error instanceof Error) return error.message.split('\n', 1)[0] ?? error.name;
  return String(error);
}
