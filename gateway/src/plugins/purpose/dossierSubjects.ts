// Subjects bound to the dossier (DESIGN.md "Purpose"): every entity named at the root of an operation
// must be a subject of the dossier its purpose names. A root field naming anyone else is null with
// FORBIDDEN (reason SUBJECT_NOT_IN_DOSSIER) and is never sent to a subgraph; inside `citizens(ids:)`
// only the foreign ids are refused, at their positions, and the others are served. Decided before
// any subgraph call, from the operation and its variables (rootEntities.ts).
import { createHash } from 'node:crypto';
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  visit,
} from 'graphql';
import { ErrorCode } from '../../../../lib/errors.ts';
import { TYPENAME_ALIAS, typenameField } from '../../operation/reservedAliases.ts';
import type { OperationRewrite } from '../../rewritingGateway.ts';
import { rootEntities, subjectOf, subjectsOutside } from './rootEntities.ts';

export const SUBJECT_NOT_IN_DOSSIER = 'SUBJECT_NOT_IN_DOSSIER';

/** What the dossier does not cover, by root response key. */
export interface RootDenial {
  readonly responseKey: string;
  /** The root field's coordinate, e.g. `Query.citizen`, for the audit's denials. */
  readonly coordinate: string;
  /**
   * Positions refused inside a `citizens(ids:)` list, with the ids still asked for; absent when the
   * whole field is refused.
   */
  readonly partial?: { readonly denied: readonly number[]; readonly kept: readonly string[] };
}

/** The root fields of the operation that name a subject outside `subjects`. */
export function rootDenials(
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Readonly<Record<string, unknown>> | undefined,
  subjects: ReadonlySet<string>,
): RootDenial[] {
  const denials: RootDenial[] = [];
  for (const field of rootEntities(operation, fragments, variables)) {
    const outside = subjectsOutside(field, subjects);
    if (!outside.all && outside.subjects.length === 0) continue;
    const coordinate = `Query.${field.fieldName}`;
    const list =
      field.fieldName === 'citizens' && !outside.all
        ? listIds(operation, fragments, variables, field.responseKey)
        : undefined;
    if (!list) {
      denials.push({ responseKey: field.responseKey, coordinate });
      continue;
    }
    const denied: number[] = [];
    const kept: string[] = [];
    list.forEach((id, index) => {
      if (subjects.has(subjectOf('Citizen', id))) kept.push(id);
      else denied.push(index);
    });
    denials.push(
      kept.length === 0
        ? { responseKey: field.responseKey, coordinate }
        : { responseKey: field.responseKey, coordinate, partial: { denied, kept } },
    );
  }
  return denials;
}

/**
 * The rewrite that executes without the refused subjects: refused root fields removed, `citizens(ids:)`
 * narrowed to the ids the dossier covers; its `finish` puts null and the error back where each was.
 */
export function withRootDenials(
  base: OperationRewrite | undefined,
  document: DocumentNode,
  denials: readonly RootDenial[],
): OperationRewrite {
  const whole = new Set(denials.filter((d) => !d.partial).map((d) => d.responseKey));
  const narrowed = new Map(
    denials.flatMap((d) => (d.partial ? [[d.responseKey, d.partial.kept] as const] : [])),
  );
  let empty = base?.empty ?? false;
  const rewritten = visit(base?.document ?? document, {
    OperationDefinition(node) {
      const selectionSet = narrowRoot(node.selectionSet, whole, narrowed);
      if (selectionSet.selections.length === 0) {
        empty = true;
        return { ...node, selectionSet: { ...selectionSet, selections: [typenameField()] } };
      }
      return { ...node, selectionSet };
    },
    FragmentDefinition(node) {
      if (node.typeCondition.name.value !== 'Query') return undefined;
      return { ...node, selectionSet: nonEmpty(narrowRoot(node.selectionSet, whole, narrowed)) };
    },
  });
  const key = createHash('sha256').update(JSON.stringify(denials)).digest('hex').slice(0, 16);
  return {
    document: rewritten,
    planKey: `${base?.planKey ?? 'as-sent'}:subjects:${key}`,
    empty,
    finish: (result) => refuseSubjects(base?.finish ? base.finish(result) : result, denials),
  };
}

/** The root selection set without the refused fields, and with narrowed id lists. */
function narrowRoot(
  selectionSet: SelectionSetNode,
  whole: ReadonlySet<string>,
  narrowed: ReadonlyMap<string, readonly string[]>,
): SelectionSetNode {
  const selections = selectionSet.selections.flatMap((selection): SelectionNode[] => {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      return [{ ...selection, selectionSet: nonEmpty(narrowRoot(selection.selectionSet, whole, narrowed)) }];
    }
    if (selection.kind !== Kind.FIELD) return [selection];
    const key = (selection.alias ?? selection.name).value;
    if (whole.has(key)) return [];
    const ids = narrowed.get(key);
    return [ids ? withIds(selection, ids) : selection];
  });
  return { ...selectionSet, selections };
}

/** A selection set left empty keeps a hidden `__typename`, so the operation stays valid. */
const nonEmpty = (selectionSet: SelectionSetNode): SelectionSetNode =>
  selectionSet.selections.length > 0 ? selectionSet : { ...selectionSet, selections: [typenameField()] };

function withIds(field: FieldNode, ids: readonly string[]): FieldNode {
  return {
    ...field,
    arguments: (field.arguments ?? []).map((argument) =>
      argument.name.value !== 'ids'
        ? argument
        : {
            ...argument,
            value: { kind: Kind.LIST, values: ids.map((id) => ({ kind: Kind.STRING, value: id })) },
          },
    ),
  };
}

/** The `ids` of a root `citizens` field as the executor will see them, repeats and order kept. */
function listIds(
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Readonly<Record<string, unknown>> | undefined,
  responseKey: string,
): string[] | undefined {
  const fields: FieldNode[] = [];
  const collect = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD && (selection.alias ?? selection.name).value === responseKey)
        fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, seen);
      else if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments[selection.name.value];
        if (fragment) collect(fragment.selectionSet, seen);
      }
    }
  };
  collect(operation.selectionSet, new Set());
  const value = fields[0]?.arguments?.find((a) => a.name.value === 'ids')?.value;
  let ids: unknown;
  if (value?.kind === Kind.VARIABLE) ids = variables?.[value.name.value];
  else if (value?.kind === Kind.LIST)
    ids = value.values.map((v) => (v.kind === Kind.STRING ? v.value : undefined));
  // Anything unusual (a default, a single id coerced to a list): refused whole, on the safe side.
  if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string')) return undefined;
  return ids;
}

/** Null and FORBIDDEN (SUBJECT_NOT_IN_DOSSIER) at every refused place. */
function refuseSubjects<
  R extends { data?: Record<string, unknown> | null; errors?: readonly GraphQLError[] },
>(result: R, denials: readonly RootDenial[]): R {
  const data = result.data ? { ...result.data } : result.data;
  // The placeholder that kept an emptied selection valid is ours, not the client's.
  if (data) delete data[TYPENAME_ALIAS];
  const errors: GraphQLError[] = [];
  for (const denial of denials) {
    if (!denial.partial) {
      if (data) data[denial.responseKey] = null;
      errors.push(subjectError([denial.responseKey]));
      continue;
    }
    const served = data?.[denial.responseKey];
    const queue = Array.isArray(served) ? [...served] : undefined;
    const total = denial.partial.denied.length + denial.partial.kept.length;
    const refused = new Set(denial.partial.denied);
    if (data && queue) {
      data[denial.responseKey] = Array.from({ length: total }, (_, i) =>
        refused.has(i) ? null : (queue.shift() ?? null),
      );
    }
    for (const index of denial.partial.denied) errors.push(subjectError([denial.responseKey, index]));
  }
  return { ...result, data, errors: [...(result.errors ?? []), ...errors] };
}

function subjectError(path: (string | number)[]): GraphQLError {
  return new GraphQLError('The dossier does not name this subject: it is not read for this purpose.', {
    path,
    extensions: { code: ErrorCode.FORBIDDEN, reason: SUBJECT_NOT_IN_DOSSIER },
  });
}
