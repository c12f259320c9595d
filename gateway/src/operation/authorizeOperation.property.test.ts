// Property: for random operations and random scope sets, authorization by rewriting gives exactly
// what GraphQL itself gives when every uncovered field's resolver refuses — no value of an uncovered
// field gets through, and no covered field is denied.
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import {
  type DocumentNode,
  type FieldNode,
  GraphQLError,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../../lib/scopes.ts';
import {
  apiSchemaOf,
  composeTestSupergraph,
  executeWithFakeData,
} from '../../../tests/support/testSupergraph.ts';
import { applyDenials, authorizeOperation } from './authorizeOperation.ts';
import { isSatisfied, type ScopeRequirements } from './requirements.ts';
import { readScopeRequirements } from './supergraphSecurity.ts';

let schema: GraphQLSchema;
let requirements: ScopeRequirements;

/** The small test supergraph (every corner of the walker) and the one lienthong serves. */
const SUPERGRAPHS: readonly [string, () => Promise<string> | string][] = [
  ['the test supergraph', composeTestSupergraph],
  [
    'the committed supergraph',
    () => readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8'),
  ],
];

/** mulberry32: the operation is a pure function of the seed, so fast-check can replay it. */
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

interface Generated {
  readonly query: string;
  readonly variables: Record<string, boolean>;
}

function randomOperation(seed: number): Generated {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  let counter = 0;
  const fragments: string[] = [];
  const variables: Record<string, boolean> = { c0: random() < 0.5, c1: random() < 0.5 };

  const condition = (): string => {
    const r = random();
    if (r < 0.1) return ` @include(if: $${pick(['c0', 'c1'])})`;
    if (r < 0.2) return ` @skip(if: $${pick(['c0', 'c1'])})`;
    if (r < 0.25) return ` @include(if: ${pick(['true', 'false'])})`;
    return '';
  };
  const literal = (type: GraphQLInputType): string => {
    if (isNonNullType(type)) return literal(type.ofType);
    if (isListType(type)) return `[${literal(type.ofType)}, ${literal(type.ofType)}]`;
    return '"v"';
  };

  const selectionSet = (type: GraphQLNamedType, depth: number): string => {
    const parts: string[] = [];
    const count = 1 + Math.floor(random() * 3);
    for (let i = 0; i < count; i++) parts.push(selection(type, depth));
    return `{ ${parts.join(' ')} }`;
  };

  const selection = (type: GraphQLNamedType, depth: number): string => {
    const r = random();
    if (r < 0.08 || depth > 4) return `__typename${condition()}`;
    if (isAbstractType(type) || r < 0.2) {
      const members = isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
      const target = random() < 0.3 && isInterfaceType(type) ? type : pick(members);
      if (random() < 0.4) {
        const name = `F${counter++}`;
        fragments.push(`fragment ${name} on ${target.name} ${selectionSet(target, depth + 1)}`);
        return `...${name}${condition()}`;
      }
      return `... on ${target.name}${condition()} ${selectionSet(target, depth + 1)}`;
    }
    if (!isObjectType(type) && !isInterfaceType(type)) return '__typename';
    const field = pick(Object.values(type.getFields()));
    const alias = random() < 0.3 ? `a${counter++}: ` : '';
    const args = field.args.filter((a) => isNonNullType(a.type));
    const argText = args.length ? `(${args.map((a) => `${a.name}: ${literal(a.type)}`).join(', ')})` : '';
    const named = getNamedType(field.type);
    const body = isCompositeType(named) ? ` ${selectionSet(named, depth + 1)}` : '';
    return `${alias}${field.name}${argText}${condition()}${body}`;
  };

  const mutation = random() < 0.15;
  const root = mutation ? schema.getMutationType()! : schema.getQueryType()!;
  const operation = `${mutation ? 'mutation' : 'query'} Op($c0: Boolean!, $c1: Boolean!) ${selectionSet(root, 0)}`;
  return { query: [operation, ...fragments].join('\n'), variables };
}

/** The static parent type of each field node, as authorization sees it. */
function staticParents(document: DocumentNode): Map<FieldNode, string> {
  const parents = new Map<FieldNode, string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        parents.set(node, typeInfo.getParentType()!.name);
      },
    }),
  );
  return parents;
}

const covered = (coordinate: string, scopes: ReadonlySet<string>) => {
  const requirement = requirements.get(coordinate);
  return requirement === undefined || isSatisfied(requirement, scopes);
};

const errorPaths = (errors: readonly GraphQLError[] | undefined) =>
  (errors ?? []).map((e) => JSON.stringify(e.path)).sort();

describe.each(SUPERGRAPHS)('authorizeOperation + applyDenials over %s (property)', (_, load) => {
  beforeAll(async () => {
    const supergraph = await load();
    requirements = readScopeRequirements(supergraph);
    schema = await apiSchemaOf(supergraph);
  });

  it('match GraphQL execution where every uncovered field refuses', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.subarray([...SCOPES]), async (seed, scopeList) => {
        const { query, variables } = randomOperation(seed);
        const document = parse(query);
        fc.pre(validate(schema, document).length === 0);
        checked++;
        const scopes = new Set<string>(scopeList);
        const authorized = authorizeOperation({
          schema,
          document,
          operationName: 'Op',
          variables,
          scopes,
          requirements,
        });

        expect(validate(schema, authorized.document)).toEqual([]);
        for (const denial of authorized.denied) expect(covered(denial.coordinate, scopes)).toBe(false);
        for (const [node, parent] of staticParents(authorized.document)) {
          if (node.name.value !== '__typename')
            expect(covered(`${parent}.${node.name.value}`, scopes)).toBe(true);
        }

        const ours = applyDenials(
          await executeWithFakeData(schema, authorized.document, variables),
          authorized.denied,
          schema,
        );

        const parents = staticParents(document);
        const reference = await executeWithFakeData(schema, document, variables, (info) => {
          for (const node of info.fieldNodes) {
            if (!covered(`${parents.get(node)}.${node.name.value}`, scopes)) throw new GraphQLError('denied');
          }
        });

        expect(ours.data).toEqual(reference.data);
        // Execution stops at the first null that reaches a non-null parent; applyDenials reports
        // every place a denied field was asked for, so it may say more, never less.
        const oursPaths = new Set(errorPaths(ours.errors));
        for (const path of errorPaths(reference.errors)) expect(oursPaths).toContain(path);
        for (const error of ours.errors ?? []) {
          const keys = (error.path ?? []).filter((k) => typeof k === 'string');
          expect(authorized.denied.some((d) => d.responsePath.join('.') === keys.join('.'))).toBe(true);
        }
        expect(ours.errors?.every((e) => e.extensions['code'] === 'FORBIDDEN') ?? true).toBe(true);
        if (authorized.empty) expect(authorized.servedCoordinates).toEqual([]);
      }),
      { numRuns: 400 },
    );
    // The generator must mostly produce valid operations, or the property proves little.
    expect(checked).toBeGreaterThan(200);
  });
});
