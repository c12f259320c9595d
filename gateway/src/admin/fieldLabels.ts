// Fields by the names people use for them, taken from the schema's own descriptions so that there is
// one source of truth: a description reads "Full name (họ và tên).", and the Vietnamese label is the
// first parenthesised phrase with a Vietnamese letter in it, the English one the words before it.
// The coordinate (`Citizen.fullName`) stays available for the title attribute and for fields whose
// description names no label.
import { Kind, parse } from 'graphql';
import type { Lang } from './locale.ts';

export interface FieldLabel {
  readonly vi: string;
  readonly en: string;
}

export interface FieldLabels {
  /** The label of a schema coordinate in `lang`, or undefined when its description names none. */
  get(coordinate: string, lang: Lang): string | undefined;
  readonly size: number;
}

// Any letter outside ASCII: Vietnamese is written with them, the English glosses never are.
const VIETNAMESE = /[^\p{ASCII}]/u;
const PARENTHESISED = /\(([^()]+)\)/g;

/** The labels of one description, or undefined when it names no Vietnamese label. */
export function labelOfDescription(description: string): FieldLabel | undefined {
  for (const match of description.matchAll(PARENTHESISED)) {
    const vi = match[1]!.trim();
    if (!VIETNAMESE.test(vi)) continue;
    const before = description.slice(0, match.index).trim();
    return { vi, en: before.length > 0 && before.length <= 60 ? before : vi };
  }
  return undefined;
}

export function readFieldLabels(supergraphSdl: string): FieldLabels {
  const labels = new Map<string, FieldLabel>();
  for (const definition of parse(supergraphSdl, { noLocation: true }).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION
    )
      continue;
    for (const field of definition.fields ?? []) {
      const label = field.description && labelOfDescription(field.description.value);
      if (label) labels.set(`${definition.name.value}.${field.name.value}`, label);
    }
  }
  return { get: (coordinate, lang) => labels.get(coordinate)?.[lang], size: labels.size };
}
