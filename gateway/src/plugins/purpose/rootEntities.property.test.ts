// rootEntities against graphql-js itself: for random valid operations (aliases, nested named and
// inline fragments, @skip/@include from literals and variables, ids from literals, variables,
// defaults and lists mixing both), the ids it reads for each response key are exactly the arguments
// the executor passes to that root field's resolver, and it reads none for fields the executor skips.
import fc from 'fast-check';
import {
  buildSchema,
  execute,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { rootEntities } from './rootEntities.ts';

const schema = buildSchema(`
  type Entity { id: ID }
  type Query {
    citizen(id: ID!): Entity
    citizens(ids: [ID!]!): [Entity]!
    enterprise(code: ID!): Entity
    landCertificate(serial: String!): Entity
    issuedResult(code: ID!): Entity
  }
`);

const FIELDS = {
  citizen: 'id',
  citizens: 'ids',
  enterprise: 'code',
  landCertificate: 'serial',
  issuedResult: 'code',
} as const;
type FieldName = keyof typeof FIELDS;

type Id = { kind: 'literal'; value: string } | { kind: 'variable'; value: string; viaDefault: boolean };
type Condition = { directive: 'skip' | 'include'; value: boolean; viaVariable: boolean } | null;
type Item =
  | { kind: 'field'; field: FieldName; ids: Id[]; listVariable: boolean; condition: Condition }
  | { kind: 'inline' | 'spread'; items: Item[]; condition: Condition };

const idValue = fc.constantFrom(
  '092082031521',
  '092184031521',
  '9266800762',
  'TR317207',
  'KS-92-2009-174393',
);
const id: fc.Arbitrary<Id> = fc.oneof(
  idValue.map((value) => ({ kind: 'literal' as const, value })),
  fc.record({ kind: fc.constant('variable' as const), value: idValue, viaDefault: fc.boolean() }),
);
const condition: fc.Arbitrary<Condition> = fc.option(
  fc.record({
    directive: fc.constantFrom('skip' as const, 'include' as const),
    value: fc.boolean(),
    viaVariable: fc.boolean(),
  }),
  { freq: 2 },
);
const field: fc.Arbitrary<Item> = fc
  .record({
    field: fc.constantFrom(...(Object.keys(FIELDS) as FieldName[])),
    ids: fc.array(id, { minLength: 1, maxLength: 4 }),
    listVariable: fc.boolean(),
    condition,
  })
  .map((f) => ({ kind: 'field' as const, ...f, ids: f.field === 'citizens' ? f.ids : f.ids.slice(0, 1) }));
const { items } = fc.letrec<{ items: Item[]; item: Item }>((tie) => ({
  item: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    field,
    fc.record({
      kind: fc.constantFrom('inline' as const, 'spread' as const),
      items: tie('items') as fc.Arbitrary<Item[]>,
      condition,
    }),
  ),
  items: fc.array(tie('item') as fc.Arbitrary<Item>, { minLength: 1, maxLength: 4 }),
}));

/** Prints the operation; every field gets its own alias, so no two fields need merging. */
function print(root: Item[]) {
  const declarations: string[] = [];
  const variables: Record<string, unknown> = {};
  const fragments: string[] = [];
  let n = 0;
  const variable = (type: string, value: unknown, viaDefault: boolean) => {
    const name = `v${n++}`;
    if (viaDefault) declarations.push(`$${name}: ${type.replace(/!$/, '')} = ${JSON.stringify(value)}`);
    else {
      declarations.push(`$${name}: ${type}`);
      variables[name] = value;
    }
    return `$${name}`;
  };
  const directive = (c: Condition) =>
    c ? ` @${c.directive}(if: ${c.viaVariable ? variable('Boolean!', c.value, false) : c.value})` : '';
  const idText = (i: Id, type: string) =>
    i.kind === 'literal' ? JSON.stringify(i.value) : variable(type, i.value, i.viaDefault);
  const printItems = (list: Item[]): string =>
    list
      .map((item) => {
        if (item.kind !== 'field') {
          if (item.kind === 'inline')
            return `... on Query${directive(item.condition)} { ${printItems(item.items)} }`;
          const name = `F${n++}`;
          fragments.push(`fragment ${name} on Query { ${printItems(item.items)} }`);
          return `...${name}${directive(item.condition)}`;
        }
        const type = item.field === 'landCertificate' ? 'String!' : 'ID!';
        const arg =
          item.field !== 'citizens'
            ? idText(item.ids[0]!, type)
            : item.listVariable
              ? variable(
                  '[ID!]!',
                  item.ids.map((i) => i.value),
                  false,
                )
              : `[${item.ids.map((i) => idText(i, 'ID!')).join(', ')}]`;
        return `k${n++}: ${item.field}(${FIELDS[item.field]}: ${arg})${directive(item.condition)} { id }`;
      })
      .join(' ');
  const body = printItems(root);
  const head = declarations.length > 0 ? `query Q(${declarations.join(', ')})` : 'query Q';
  return { query: `${head} { ${body} }\n${fragments.join('\n')}`, variables };
}

/** What the executor passes to each root resolver, by response key, ids deduplicated in order. */
function executed(query: string, variables: Record<string, unknown>) {
  const seen: Record<string, string[]> = {};
  // A function on the root value is called as (args, context, info).
  const record = (args: Record<string, unknown>, _context: unknown, info: GraphQLResolveInfo) => {
    const value = Object.values(args)[0];
    seen[String(info.path.key)] = [...new Set((Array.isArray(value) ? value : [value]) as string[])];
    return info.fieldName === 'citizens' ? [] : null;
  };
  const rootValue = Object.fromEntries(Object.keys(FIELDS).map((name) => [name, record]));
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  const result = execute({
    schema,
    document,
    variableValues: variables,
    rootValue,
    fieldResolver: undefined,
  });
  expect((result as { errors?: unknown }).errors).toBeUndefined();
  return { seen, document };
}

describe('rootEntities reads what the executor executes', () => {
  it('agrees with graphql-js on random operations', () => {
    fc.assert(
      fc.property(items, (root) => {
        const { query, variables } = print(root);
        const { seen, document } = executed(query, variables);
        const operation = document.definitions[0] as OperationDefinitionNode;
        const fragments = Object.fromEntries(
          document.definitions
            .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
            .map((f) => [f.name.value, f]),
        );
        const read = rootEntities(operation, fragments, variables);
        expect(read.every((f) => f.entity?.resolved)).toBe(true);
        expect(Object.fromEntries(read.map((f) => [f.responseKey, f.entity?.ids]))).toEqual(seen);
      }),
      { numRuns: 500 },
    );
  });
});
