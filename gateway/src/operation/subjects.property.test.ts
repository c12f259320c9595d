// Fuzzing the audit's subject extraction over the real supergraph: for random queries, every entity
// object a response carries is named among the subjects, nothing else is, and the client gets
// exactly the data of the query it sent (the injected keys are gone without a trace).
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  validate,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiSchemaOf } from '../../../tests/support/testSupergraph.ts';
import { collectSubjects, type EntityKeys, injectSubjectKeys, readEntityKeys } from './subjects.ts';

let schema: GraphQLSchema;
let keys: EntityKeys;
beforeAll(async () => {
  const supergraph = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');
  keys = readEntityKeys(supergraph);
  schema = await apiSchemaOf(supergraph);
});

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random query over the API schema: fields, aliases, inline fragments and named fragments. */
function randomQuery(seed: number): string {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  let counter = 0;
  const fragments: string[] = [];
  const literal = (type: GraphQLInputType): string => {
    if (isNonNullType(type)) return literal(type.ofType);
    if (isListType(type)) return `[${literal(type.ofType)}, ${literal(type.ofType)}]`;
    return getNamedType(type).name === 'Int' ? '2' : '"v"';
  };
  const selectionSet = (type: GraphQLNamedType, depth: number): string => {
    const parts: string[] = [];
    const count = 1 + Math.floor(random() * 3);
    for (let i = 0; i < count; i++) parts.push(selection(type, depth));
    return `{ ${parts.join(' ')} }`;
  };
  const selection = (type: GraphQLNamedType, depth: number): string => {
    const r = random();
    if (r < 0.05 || depth > 4) return '__typename';
    if (isAbstractType(type) || r < 0.15) {
      const members = isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
      const target = random() < 0.3 && isInterfaceType(type) ? type : pick(members);
      if (random() < 0.4) {
        const name = `F${counter++}`;
        fragments.push(`fragment ${name} on ${target.name} ${selectionSet(target, depth + 1)}`);
        return `...${name}`;
      }
      return `... on ${target.name} ${selectionSet(target, depth + 1)}`;
    }
    if (!isObjectType(type) && !isInterfaceType(type)) return '__typename';
    const field = pick(Object.values(type.getFields()));
    const alias = random() < 0.3 ? `a${counter++}: ` : '';
    const args = field.args.filter((a) => isNonNullType(a.type));
    const argText = args.length ? `(${args.map((a) => `${a.name}: ${literal(a.type)}`).join(', ')})` : '';
    const named = getNamedType(field.type);
    const body = isCompositeType(named) ? ` ${selectionSet(named, depth + 1)}` : '';
    return `${alias}${field.name}${argText}${body}`;
  };
  return [`query ${selectionSet(schema.getQueryType()!, 0)}`, ...fragments].join('\n');
}

interface FakeObject {
  /** The field-name path that produced the object (aliases aside): the same in both executions. */
  readonly at: string;
}

/**
 * Executes with made-up data in which every leaf names its field and the object it belongs to, so
 * each entity has a key of its own, and records the subject of every entity object the data carries.
 */
async function executeRecording(
  document: DocumentNode,
): Promise<{ result: ExecutionResult; served: Set<string> }> {
  const served = new Set<string>();
  const serve = (typeName: string, object: FakeObject) => {
    const fields = keys.get(typeName);
    if (fields) served.add(`${typeName}:${fields.map((k) => `${typeName}.${k}@${object.at}`).join(':')}`);
  };
  const fake = (type: GraphQLOutputType, info: GraphQLResolveInfo, at: string, parentAt: string): unknown => {
    if (isNonNullType(type)) return fake(type.ofType, info, at, parentAt);
    if (isListType(type)) {
      const items = isNonNullType(type.ofType) ? [0, 1] : [0, null, 2];
      return items.map((i) => (i === null ? null : fake(type.ofType, info, `${at}[${i}]`, parentAt)));
    }
    if (isEnumType(type)) return type.getValues()[0]!.value;
    if (isLeafType(type)) {
      if (type.name === 'Boolean') return true;
      if (type.name === 'Int' || type.name === 'Float') return 1;
      return `${info.parentType.name}.${info.fieldName}@${parentAt}`;
    }
    const object: FakeObject = { at };
    if (isObjectType(type)) serve(type.name, object);
    return object;
  };
  const result = (await execute({
    schema,
    document,
    fieldResolver: (source, _args, _context, info) => {
      const parentAt = (source as FakeObject | undefined)?.at ?? '';
      return fake(info.returnType, info, `${parentAt}/${info.fieldName}`, parentAt);
    },
    typeResolver: (value, _context, info, abstractType) => {
      const members = info.schema.getPossibleTypes(abstractType);
      const object = value as FakeObject;
      const member = members[object.at.length % members.length]!;
      serve(member.name, object);
      return member.name;
    },
  })) as ExecutionResult;
  return { result, served };
}

describe('audit subjects over the real supergraph', () => {
  it('name every entity served, nothing else, and leave the client the data it asked for', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        const document = parse(randomQuery(seed));
        fc.pre(validate(schema, document).length === 0);
        const injected = injectSubjectKeys(document, schema, { keys });
        expect(validate(schema, injected)).toEqual([]);
        const original = await executeRecording(document);
        const withKeys = await executeRecording(injected);
        expect(withKeys.result.errors).toBeUndefined();
        const collected = collectSubjects(withKeys.result.data as Record<string, unknown>);
        expect(collected.data).toEqual(original.result.data);
        expect(collected.subjects).toEqual([...original.served].sort());
      }),
      { numRuns: 300 },
    );
  });
});
