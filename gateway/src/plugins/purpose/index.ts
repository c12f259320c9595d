// Purpose binding (DESIGN.md "Purpose"): an operation that reads citizen, enterprise, land or result
// data must name the procedure and the dossier it serves, and purpose is proven, not declared:
//  - the procedure is in the registry, and the client registry lets this client invoke it;
//  - under PURPOSE_VERIFICATION=enforce, the dossier exists in the one-stop system, is for that
//    procedure, was received by an agency the client acts for, and is open (dossierVerifier.ts);
//  - every entity named at the root is a subject of the dossier (dossierSubjects.ts; applied by the
//    authorization stage, which builds the operation actually executed).
// The scopes in force are the token's scopes that the procedure also allows; they, not the token's,
// decide what the client may read.
import type { GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { purposeRequired } from '../../../../lib/errors.ts';
import {
  DOSSIER_ID_FORMAT,
  isDossierId,
  isProcedureCode,
  PROCEDURE_CODE_FORMAT,
} from '../../../../lib/ids.ts';
import { withSpan } from '../../../../lib/tracing.ts';
import { type Procedure, type ProcedureRegistry, scopesInForce } from '../../procedures.ts';
import type { OperationStage } from '../pipeline/index.ts';
import type { ClientRegistry } from './clientRegistry.ts';
import { rootDenials } from './dossierSubjects.ts';
import type { DossierVerifier } from './dossierVerifier.ts';

export interface PurposeStageOptions {
  /** The procedure registry and the client registry (CLIENTS_FILE) of the request's configuration set. */
  readonly config: (schema: GraphQLSchema) => {
    readonly registry: ProcedureRegistry;
    readonly clients: ClientRegistry;
  };
  /** The one-stop system's dossiers; absent under PURPOSE_VERIFICATION=declared. */
  readonly verifier?: DossierVerifier;
}

/** Root fields that read no citizen, enterprise, land or result data (their own scopes govern them). */
const PURPOSE_FREE_ROOT_FIELDS = new Set([
  'auditEvents',
  'myAccessHistory',
  'evictCachedRecords',
  '__typename',
  '__schema',
  '__type',
]);

export function purposeStage(options: PurposeStageOptions): OperationStage {
  return {
    name: 'purpose',
    async run({ contextValue: context, operation, document, request, schema }, state) {
      if (!operation) return; // Apollo Server has already refused an unresolvable operation.
      const bound = needsPurpose(operation);
      const { procedureCode, dossierId } = context.purposeHeaders;
      let procedure: Procedure | undefined;
      if (bound) {
        if (!procedureCode || !dossierId) {
          throw purposeRequired(
            'This operation reads protected data: send X-Procedure-Code and X-Dossier-Id.',
          );
        }
        if (!isProcedureCode(procedureCode)) {
          throw purposeRequired(`X-Procedure-Code must be ${PROCEDURE_CODE_FORMAT}.`);
        }
        if (!isDossierId(dossierId)) throw purposeRequired(`X-Dossier-Id must be ${DOSSIER_ID_FORMAT}.`);
        const { registry, clients } = options.config(schema);
        procedure = registry.get(procedureCode);
        if (!procedure) throw purposeRequired('X-Procedure-Code names no procedure of the registry.');
        if (!clients.mayInvoke(context.identity.clientId, procedure)) {
          throw purposeRequired('This client system may not invoke the procedure of X-Procedure-Code.');
        }
        if (options.verifier) {
          const { verifier } = options;
          const verified = await withSpan('purpose.dossier', () =>
            verifier.verify({ procedureCode, dossierId, identity: context.identity, clients }),
          );
          if (!verified.ok) throw purposeRequired(verified.message);
          context.resolution.dossier = { procedureCode, agency: verified.dossier.agency };
          const fragments = Object.fromEntries(
            document.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [[d.name.value, d]] : [])),
          );
          const denials = rootDenials(operation, fragments, request.variables, verified.dossier.subjects);
          if (denials.length > 0) state.rootDenials = denials;
        }
      }
      const { identity } = context;
      if (procedure) context.resolution.procedure = procedure;
      context.resolution.caller = {
        clientId: identity.clientId,
        officer: identity.officer,
        agency: identity.agency,
        scopes: [...scopesInForce(identity.scopes, procedure)],
        procedureCode: bound ? procedureCode : undefined,
        dossierId: bound ? dossierId : undefined,
        requestId: context.requestId,
        deadline: context.deadline,
      };
    },
  };
}

/**
 * Only plain root fields from the list are purpose-free: a fragment spread or inline fragment at the
 * root counts as reading protected data, whatever it holds.
 */
function needsPurpose(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some(
    (s) => s.kind !== 'Field' || !PURPOSE_FREE_ROOT_FIELDS.has(s.name.value),
  );
}
