// Written as the attacks a client would try: reaching a denied field through an alias, a fragment,
// an interface or union, a skipped branch, a mutation, or by forging the gateway's own aliases.
import { type DocumentNode, type GraphQLSchema, Kind, parse, print, validate } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiSchemaOf, composeTestSupergraph } from '../../../tests/support/testSupergraph.ts';
import { type AuthorizedOperation, authorizeOperation } from './authorizeOperation.ts';
import type { ScopeRequirements } from './requirements.ts';
import { readScopeRequirements } from './supergraphSecurity.ts';

let schema: GraphQLSchema;
let requirements: ScopeRequirements;
beforeAll(async () => {
  const supergraph = composeTestSupergraph();
  requirements = readScopeRequirements(supergraph);
  schema = await apiSchemaOf(supergraph);
});

function authorize(
  query: string,
  scopes: string[],
  variables: Record<string, unknown> = {},
  operationName?: string,
): AuthorizedOperation & { text: string } {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  const result = authorizeOperation({
    schema,
    document,
    operationName,
    variables,
    scopes: new Set(scopes),
    requirements,
  });
  // Whatever was removed, the rewritten operation is still a valid one.
  expect(validate(schema, result.document)).toEqual([]);
  return { ...result, text: print(result.document) };
}

const compact = (document: DocumentNode) => print(document).replace(/\s+/g, ' ');
const READ = ['population:read'];

describe('authorizeOperation', () => {
  it('leaves a fully covered operation as it is', () => {
    const result = authorize('{ citizen(id: "001089012345") { id fullName father { fullName } } }', READ);
    expect(result.denied).toEqual([]);
    expect(result.empty).toBe(false);
    expect(compact(result.document)).toBe(
      '{ citizen(id: "001089012345") { id fullName father { fullName } } }',
    );
    expect(result.servedCoordinates).toEqual([
      'Citizen.father',
      'Citizen.fullName',
      'Citizen.id',
      'Query.citizen',
    ]);
  });

  it('removes a sensitive field and reports where it was asked for', () => {
    const result = authorize('{ citizen(id: "1") { fullName religion } }', READ);
    expect(result.text).not.toContain('religion');
    expect(result.denied).toEqual([
      {
        responsePath: ['citizen', 'religion'],
        coordinate: 'Citizen.religion',
        missingScopes: ['population:sensitive'],
        fieldPath: ['Query.citizen', 'Citizen.religion'],
        objectTypes: [['Query'], ['Citizen']],
      },
    ]);
    expect(result.servedCoordinates).not.toContain('Citizen.religion');
  });

  it('sees through aliases', () => {
    const result = authorize('{ who: citizen(id: "1") { name: fullName faith: religion } }', READ);
    expect(result.text).not.toContain('religion');
    expect(result.denied.map((d) => d.responsePath)).toEqual([['who', 'faith']]);
  });

  it('inlines a named fragment per use site, denying at each', () => {
    const result = authorize(
      `query Q { citizen(id: "1") { ...Person father { ...Person } } }
       fragment Person on Citizen { fullName religion }`,
      READ,
    );
    expect(result.document.definitions).toHaveLength(1);
    expect(result.text).not.toMatch(/religion|\.\.\.Person|fragment/);
    expect(result.denied.map((d) => d.responsePath)).toEqual([
      ['citizen', 'religion'],
      ['citizen', 'father', 'religion'],
    ]);
  });

  it('denies a field reached through an inline fragment on a union member', () => {
    const result = authorize(
      '{ citizen(id: "1") { relatives { ... on Foreigner { name passport } ... on Citizen { fullName } } } }',
      READ,
    );
    expect(result.text).not.toContain('passport');
    expect(result.denied).toMatchObject([
      { responsePath: ['citizen', 'relatives', 'passport'], coordinate: 'Foreigner.passport' },
    ]);
    // Below the union, applyDenials must know each object's runtime type.
    expect(result.text).toContain('__lt_typename: __typename');
  });

  it('denies an interface field that one implementation protects, but not the other implementation’s', () => {
    const viaInterface = authorize('{ citizen(id: "1") { residences { address since } } }', READ);
    expect(viaInterface.denied).toMatchObject([
      { coordinate: 'Residence.address', missingScopes: ['land:read'] },
    ]);
    const viaObject = authorize(
      '{ citizen(id: "1") { residences { ... on PermanentResidence { address } } } }',
      READ,
    );
    expect(viaObject.denied).toEqual([]);
    const viaOther = authorize(
      '{ citizen(id: "1") { residences { ... on TemporaryResidence { address } } } }',
      READ,
    );
    expect(viaOther.denied).toMatchObject([{ coordinate: 'TemporaryResidence.address' }]);
  });

  it('evaluates @include/@skip: an excluded field is neither denied nor served', () => {
    const query = `query Q($with: Boolean!, $without: Boolean = true) {
      citizen(id: "1") { fullName religion @include(if: $with) ethnicity @skip(if: $without) }
    }`;
    const off = authorize(query, READ, { with: false });
    expect(off.denied).toEqual([]);
    expect(off.text).not.toMatch(/religion|ethnicity|\$with|\$without/);
    const on = authorize(query, READ, { with: true, without: false });
    expect(on.denied.map((d) => d.coordinate)).toEqual(['Citizen.religion', 'Citizen.ethnicity']);
    expect(on.text).not.toContain('@include');
  });

  it('keeps conditions it cannot evaluate, and still checks what they guard', () => {
    const query = 'query Q($with: Boolean!) { citizen(id: "1") { fullName religion @include(if: $with) } }';
    const bad = authorize(query, READ, { with: 'yes' });
    expect(bad.denied.map((d) => d.coordinate)).toEqual(['Citizen.religion']);
  });

  it('keeps a selection set valid when every field in it is denied', () => {
    const result = authorize('{ citizen(id: "1") { religion } }', READ);
    expect(compact(result.document)).toBe('{ citizen(id: "1") { __lt_typename: __typename } }');
    expect(result.empty).toBe(false);
  });

  it('says when nothing is left to execute', () => {
    const result = authorize('{ citizen(id: "1") { fullName } enterprise(code: "0100109106") { name } }', []);
    expect(result.empty).toBe(true);
    expect(compact(result.document)).toBe('{ __lt_typename: __typename }');
    expect(result.denied.map((d) => d.coordinate)).toEqual(['Query.citizen', 'Query.enterprise']);
  });

  it('removes a mutation the scopes do not cover, so it never runs', () => {
    const result = authorize('mutation { issueResult(procedureCode: "1.001193") { code } }', [
      'results:read',
    ]);
    expect(result.empty).toBe(true);
    expect(result.text).not.toContain('issueResult');
    const allowed = authorize('mutation { issueResult(procedureCode: "1.001193") { code } }', [
      'results:issue',
    ]);
    expect(allowed.denied).toEqual([]);
  });

  it('honours OR and AND requirements', () => {
    const query = '{ citizen(id: "1") { accessNote taxDebt } }';
    expect(authorize(query, [...READ, 'citizen:self', 'business:read']).denied).toMatchObject([
      { coordinate: 'Citizen.taxDebt', missingScopes: ['insurance:read'] },
    ]);
    expect(authorize(query, [...READ, 'audit:read', 'business:read', 'insurance:read']).denied).toEqual([]);
  });

  it('denies a type-level protected object wherever it is reached', () => {
    const result = authorize(
      '{ citizen(id: "1") { enterprises { name } } enterprise(code: "0100109106") { code } }',
      READ,
    );
    expect(result.denied.map((d) => d.coordinate)).toEqual(['Citizen.enterprises', 'Query.enterprise']);
  });

  it('always denies @policy fields and always allows @authenticated ones', () => {
    const result = authorize('{ citizen(id: "1") { internalNote nickname } }', [
      ...READ,
      'population:sensitive',
      'audit:read',
      'policy:internal',
      'internal',
    ]);
    expect(result.denied.map((d) => d.coordinate)).toEqual(['Citizen.internalNote']);
  });

  it('refuses a client alias that forges the gateway’s reserved prefix', () => {
    const document = parse('{ citizen(id: "1") { __lt_key_0_Citizen: fullName } }');
    expect(() => authorizeOperation({ schema, document, scopes: new Set(READ), requirements })).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });

  it('picks the named operation and drops the others', () => {
    const result = authorize(
      'query A { citizen(id: "1") { fullName } } query B { citizen(id: "1") { religion } }',
      READ,
      {},
      'B',
    );
    expect(result.document.definitions).toHaveLength(1);
    expect(result.denied.map((d) => d.coordinate)).toEqual(['Citizen.religion']);
  });

  it('is deterministic', () => {
    const query = `query Q($a: Boolean!) { citizen(id: "1") { ...P relatives { ... on Foreigner { passport } } } }
      fragment P on Citizen { fullName religion @include(if: $a) }`;
    const one = authorize(query, READ, { a: true });
    const two = authorize(query, READ, { a: true });
    expect(one.text).toBe(two.text);
    expect(one.denied).toEqual(two.denied);
  });

  it('stops a fragment bomb before it multiplies', () => {
    const levels = 12;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1
        ? `fragment F${i} on Citizen { fullName }`
        : `fragment F${i} on Citizen { father { ...F${i + 1} } mother: father { ...F${i + 1} } }`,
    ).join('\n');
    const document = parse(`{ citizen(id: "1") { ...F0 } } ${fragments}`);
    expect(() =>
      authorizeOperation({ schema, document, scopes: new Set(READ), requirements, maxSelections: 1000 }),
    ).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) }),
    );
  });

  it('keeps introspection working, fragments and all', () => {
    const result = authorize(
      '{ __schema { queryType { ...T } } __type(name: "Citizen") { fields { name } } } fragment T on __Type { name }',
      [],
    );
    expect(result.denied).toEqual([]);
    expect(result.document.definitions.every((d) => d.kind === Kind.OPERATION_DEFINITION)).toBe(true);
  });
});
