import { GraphQLError, type GraphQLSchema, parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  apiSchemaOf,
  composeTestSupergraph,
  executeWithFakeData,
} from '../../../tests/support/testSupergraph.ts';
import { applyDenials, authorizeOperation } from './authorizeOperation.ts';
import type { ScopeRequirements } from './requirements.ts';
import { readScopeRequirements } from './supergraphSecurity.ts';

let schema: GraphQLSchema;
let requirements: ScopeRequirements;
beforeAll(async () => {
  const supergraph = composeTestSupergraph();
  requirements = readScopeRequirements(supergraph);
  schema = await apiSchemaOf(supergraph);
});

async function run(query: string, scopes: string[]) {
  const authorized = authorizeOperation({
    schema,
    document: parse(query),
    scopes: new Set(scopes),
    requirements,
  });
  const executed = await executeWithFakeData(schema, authorized.document);
  expect(executed.errors).toBeUndefined();
  const result = applyDenials(executed, authorized.denied, schema);
  return {
    data: result.data,
    errors: (result.errors ?? []).map((e) => ({
      path: e.path,
      code: e.extensions['code'],
      missing: e.extensions['missingScopes'],
    })),
  };
}

describe('applyDenials', () => {
  it('nulls a denied field in every item of a list, with one error per item', async () => {
    const { data, errors } = await run('{ citizens(ids: ["1", "2", "3"]) { fullName religion } }', [
      'population:read',
    ]);
    expect(data).toEqual({
      citizens: [
        { fullName: 'V:Citizen.fullName', religion: null },
        null,
        { fullName: 'V:Citizen.fullName', religion: null },
      ],
    });
    expect(errors).toEqual([
      { path: ['citizens', 0, 'religion'], code: 'FORBIDDEN', missing: ['population:sensitive'] },
      { path: ['citizens', 2, 'religion'], code: 'FORBIDDEN', missing: ['population:sensitive'] },
    ]);
  });

  it('propagates null from a denied non-null field to the nearest nullable parent', async () => {
    const { data, errors } = await run('{ citizen(id: "1") { fullName ethnicity } }', ['population:read']);
    expect(data).toEqual({ citizen: null });
    expect(errors.map((e) => e.path)).toEqual([['citizen', 'ethnicity']]);
  });

  it('propagates through non-null lists of non-null items', async () => {
    const { data, errors } = await run('{ enterprise(code: "0100109106") { name owners { ethnicity } } }', [
      'population:read',
      'business:read',
    ]);
    expect(data).toEqual({ enterprise: null });
    // Each place gets its error, even where another's null has already reached the list.
    expect(errors.map((e) => e.path)).toEqual([
      ['enterprise', 'owners', 0, 'ethnicity'],
      ['enterprise', 'owners', 1, 'ethnicity'],
    ]);
  });

  it('nulls data itself when a non-null root field is denied', async () => {
    const { data, errors } = await run('{ citizens(ids: ["1"]) { fullName } }', []);
    expect(data).toBeNull();
    expect(errors.map((e) => e.path)).toEqual([['citizens']]);
  });

  it('applies a denial on a union member only to objects of that type', async () => {
    const { data, errors } = await run(
      '{ citizen(id: "1") { relatives { ... on Foreigner { name passport } ... on Citizen { fullName religion } } } }',
      ['population:read'],
    );
    // Item 0 is a Citizen, item 2 a Foreigner, whose non-null passport nulls the whole item.
    expect(data).toEqual({
      citizen: { relatives: [{ fullName: 'V:Citizen.fullName', religion: null }, null, null] },
    });
    expect(errors.map((e) => e.path)).toEqual([
      ['citizen', 'relatives', 2, 'passport'],
      ['citizen', 'relatives', 0, 'religion'],
    ]);
  });

  it('answers an operation with nothing left from empty data', () => {
    const authorized = authorizeOperation({
      schema,
      document: parse('{ citizen(id: "1") { fullName } }'),
      scopes: new Set(),
      requirements,
    });
    expect(authorized.empty).toBe(true);
    const result = applyDenials({ data: {} }, authorized.denied, schema);
    expect(result.data).toEqual({ citizen: null });
    expect(result.errors?.map((e) => e.extensions['code'])).toEqual(['FORBIDDEN']);
  });

  it('keeps the errors already there and leaves a null result alone', () => {
    const upstream = new GraphQLError('The population database did not answer in time.');
    const denied = [
      {
        responsePath: ['citizen', 'religion'],
        coordinate: 'Citizen.religion',
        missingScopes: ['population:sensitive'],
        fieldPath: ['Query.citizen', 'Citizen.religion'],
        objectTypes: [['Query'], ['Citizen']],
      },
    ];
    const kept = applyDenials({ data: { citizen: { fullName: 'x' } }, errors: [upstream] }, denied, schema);
    expect(kept.errors?.[0]).toBe(upstream);
    expect(kept.errors).toHaveLength(2);
    const failed = { data: null, errors: [upstream] };
    expect(applyDenials(failed, denied, schema)).toBe(failed);
  });

  it('does not modify the result it is given', () => {
    const data = { citizen: { fullName: 'x', __lt_typename: 'Citizen' } };
    const denied = [
      {
        responsePath: ['citizen', 'religion'],
        coordinate: 'Citizen.religion',
        missingScopes: ['population:sensitive'],
        fieldPath: ['Query.citizen', 'Citizen.religion'],
        objectTypes: [['Query'], ['Citizen']],
      },
    ];
    applyDenials({ data }, denied, schema);
    expect(data).toEqual({ citizen: { fullName: 'x', __lt_typename: 'Citizen' } });
  });
});
