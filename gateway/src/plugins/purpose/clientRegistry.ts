// The client registry (DESIGN.md "Purpose", CLIENTS_FILE): which agencies each client system acts for
// and which procedures it may invoke, by code or by level. A token proves who the client is; this file
// says what that client is there to do. Loaded at start, where a bad file stops the process with one
// line per problem, and on each reload (reload/), where a bad file is refused. Without a file (dev mode only) a client acts for its token's agency alone and may
// invoke any procedure of the registry.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AGENCY_CODE_FORMAT, isAgencyCode } from '../../../../lib/agency.ts';
import { ConfigError } from '../../../../lib/errors.ts';
import { isProcedureCode, PROCEDURE_CODE_FORMAT } from '../../../../lib/ids.ts';
import { PROCEDURE_LEVELS, type ProcedureLevel, type ProcedureRegistry } from '../../procedures.ts';

export interface ClientRights {
  readonly clientId: string;
  readonly name: string;
  readonly agencies: ReadonlySet<string>;
  readonly levels: ReadonlySet<ProcedureLevel>;
  readonly procedures: ReadonlySet<string>;
}

/** Who is asking: the token's `sub` and its optional `agency` claim. */
export interface ClientIdentity {
  readonly clientId: string;
  readonly agency?: string | undefined;
}

export interface ClientRegistry {
  /** false in dev mode without CLIENTS_FILE: every client acts for its token's agency only. */
  readonly listed: boolean;
  /**
   * May this client act for a dossier received by `agency`: the token's own agency, or one the
   * registry lists for the client.
   */
  mayActFor(identity: ClientIdentity, agency: string): boolean;
  /** May this client invoke the procedure: its code or its level is among the client's rights. */
  mayInvoke(clientId: string, procedure: { readonly code: string; readonly level: ProcedureLevel }): boolean;
  get(clientId: string): ClientRights | undefined;
}

/** Client ids are token subjects such as "ubnd-hanoi.motcua". */
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const clientSchema = z.strictObject({
  clientId: z.string().regex(CLIENT_ID, 'must be a client id (letters, digits, . _ : -; at most 128)'),
  name: z.string().trim().min(1, 'must be a non-empty name').max(500),
  agencies: z.array(z.string().refine(isAgencyCode, `must be ${AGENCY_CODE_FORMAT}`)),
  levels: z.array(z.enum(PROCEDURE_LEVELS)),
  procedures: z.array(z.string().refine(isProcedureCode, `must be ${PROCEDURE_CODE_FORMAT}`)),
});
const registrySchema = z.array(clientSchema).min(1, 'must list at least one client');

/** The registry of dev mode without CLIENTS_FILE. */
export function openClientRegistry(): ClientRegistry {
  return {
    listed: false,
    mayActFor: (identity, agency) => identity.agency !== undefined && identity.agency === agency,
    mayInvoke: () => true,
    get: () => undefined,
  };
}

/**
 * The registry of CLIENTS_FILE, or the open one when it is unset (configuration allows that only in
 * dev mode or under PURPOSE_VERIFICATION=declared).
 */
export function clientRegistryFor(
  file: string | undefined,
  procedures: ProcedureRegistry,
): Promise<ClientRegistry> {
  return file === undefined ? Promise.resolve(openClientRegistry()) : loadClientRegistry(file, procedures);
}

export async function loadClientRegistry(
  file: string,
  procedures: ProcedureRegistry,
): Promise<ClientRegistry> {
  return clientRegistryOfText(await readClientRegistry(file), file, procedures);
}

/** The registry file's text (a reload hashes the very text it checks). */
export async function readClientRegistry(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([`CLIENTS_FILE: expected a readable client registry, got ${file} (${code})`]);
  }
}

/** Parses and validates a client registry file's text against the procedure registry. */
export function clientRegistryOfText(
  text: string,
  file: string,
  procedures: ProcedureRegistry,
): ClientRegistry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError([`CLIENTS_FILE: expected JSON, got ${file} that does not parse`]);
  }
  return parseClientRegistry(json, file, procedures);
}

/** Validates a client registry's JSON against the procedure registry; `source` names it in errors. */
export function parseClientRegistry(
  json: unknown,
  source: string,
  procedures: ProcedureRegistry,
): ClientRegistry {
  const parsed = registrySchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) =>
          `CLIENTS_FILE: expected a JSON array of { clientId, name, agencies, levels, procedures } in ${source}; at ${formatPath(issue.path)}: ${issue.message}`,
      ),
    );
  }
  const problems: string[] = [];
  const byId = new Map<string, ClientRights>();
  parsed.data.forEach((entry, index) => {
    if (byId.has(entry.clientId)) {
      problems.push(`CLIENTS_FILE: expected unique client ids in ${source}, got ${entry.clientId} twice`);
    }
    for (const code of entry.procedures) {
      // A right to a procedure the gateway does not know is a typo that would silently grant nothing.
      if (!procedures.get(code)) {
        problems.push(
          `CLIENTS_FILE: expected procedure codes of the procedure registry in ${source}; at [${index}].procedures: ${code} is not in it`,
        );
      }
    }
    byId.set(
      entry.clientId,
      Object.freeze({
        clientId: entry.clientId,
        name: entry.name.trim(),
        agencies: new Set(entry.agencies),
        levels: new Set(entry.levels),
        procedures: new Set(entry.procedures),
      }),
    );
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    listed: true,
    mayActFor: (identity, agency) =>
      identity.agency === agency || (byId.get(identity.clientId)?.agencies.has(agency) ?? false),
    mayInvoke: (clientId, procedure) => {
      const rights = byId.get(clientId);
      return (
        rights !== undefined && (rights.procedures.has(procedure.code) || rights.levels.has(procedure.level))
      );
    },
    get: (clientId) => byId.get(clientId),
  };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0
    ? 'the top level'
    : path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}
