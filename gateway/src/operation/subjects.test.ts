import { readFile } from 'node:fs/promises';
import { type GraphQLSchema, parse, print, validate } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  apiSchemaOf,
  composeTestSupergraph,
  executeWithFakeData,
} from '../../../tests/support/testSupergraph.ts';
import { authorizeOperation } from './authorizeOperation.ts';
import type { ScopeRequirements } from './requirements.ts';
import {
  collectServedCoordinates,
  collectSubjects,
  type EntityKeys,
  injectSubjectKeys,
  readEntityKeys,
} from './subjects.ts';
import { readScopeRequirements } from './supergraphSecurity.ts';

let schema: GraphQLSchema;
let keys: EntityKeys;
let requirements: ScopeRequirements;
beforeAll(async () => {
  const supergraph = composeTestSupergraph();
  keys = readEntityKeys(supergraph);
  requirements = readScopeRequirements(supergraph);
  schema = await apiSchemaOf(supergraph);
});

const compact = (text: string) => text.replace(/\s+/g, ' ');

function inject(query: string, scopes?: string[]) {
  const document = injectSubjectKeys(parse(query), schema, {
    keys,
    ...(scopes ? { scopes: new Set(scopes), requirements } : {}),
  });
  expect(validate(schema, document)).toEqual([]);
  return { document, text: compact(print(document)) };
}

describe('readEntityKeys', () => {
  it('reads each entity’s key from @join__type', () => {
    expect(Object.fromEntries(keys)).toEqual({
      Citizen: ['id'],
      Enterprise: ['code'],
      IssuedResult: ['code'],
    });
  });

  it('knows the four kinds of subject in the committed supergraph', async () => {
    const committed = readEntityKeys(
      await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8'),
    );
    expect(committed.get('Citizen')).toEqual(['id']);
    expect(committed.get('Enterprise')).toEqual(['code']);
    expect(committed.get('LandCertificate')).toEqual(['serial']);
    expect(committed.get('IssuedResult')).toEqual(['code']);
  });
});

describe('injectSubjectKeys', () => {
  it('adds the citizen id to a query that never selects it', () => {
    const { text } = inject('{ citizen(id: "001089012345") { fullName } }');
    expect(text).toBe('{ citizen(id: "001089012345") { fullName __lt_key_0_Citizen: id } }');
  });

  it('adds keys at every level: enterprises, their representatives, and those representatives’ enterprises', () => {
    const { text } = inject(
      '{ enterprise(code: "0100109106") { name legalRepresentative { fullName enterprises { name } } } }',
    );
    expect(text).toContain('enterprises { name __lt_key_0_Enterprise: code }');
    expect(text).toContain('enterprises { name __lt_key_0_Enterprise: code } __lt_key_0_Citizen: id }');
    expect(text).toMatch(/__lt_key_0_Citizen: id } __lt_key_0_Enterprise: code } }$/);
  });

  it('adds keys for the entity members of a union or interface', () => {
    const { text } = inject('{ citizen(id: "1") { relatives { ... on Foreigner { name } } } }');
    expect(text).toContain(
      'relatives { ... on Foreigner { name } ... on Citizen { __lt_key_0_Citizen: id } }',
    );
  });

  it('adds keys inside named fragments’ use sites', () => {
    const { text } = inject(
      '{ citizen(id: "1") { ...P father { ...P } } } fragment P on Citizen { fullName }',
    );
    expect(text).toContain('father { ...P __lt_key_0_Citizen: id }');
  });

  it('leaves out a key field the scopes in force do not cover', () => {
    const { text } = inject('{ enterprise(code: "0100109106") { legalRepresentative { __typename } } }', [
      'business:read',
    ]);
    expect(text).not.toContain('__lt_key_0_Citizen');
    expect(text).toContain('__lt_key_0_Enterprise: code');
  });
});

describe('collectSubjects', () => {
  it('finds subjects the client never asked for and removes the keys', async () => {
    const { document } = inject(
      '{ citizens(ids: ["001089012345", "001089012346", "x"]) { fullName father { fullName } } }',
    );
    const executed = await executeWithFakeData(schema, document);
    const { subjects, data } = collectSubjects(executed.data as Record<string, unknown>);
    expect(subjects).toEqual(['Citizen:V:Citizen.id']);
    expect(JSON.stringify(data)).not.toContain('__lt_key');
    expect(data).toEqual({
      citizens: [
        { fullName: 'V:Citizen.fullName', father: { fullName: 'V:Citizen.fullName' } },
        null,
        { fullName: 'V:Citizen.fullName', father: { fullName: 'V:Citizen.fullName' } },
      ],
    });
  });

  it('deduplicates a batch and names each kind of subject', () => {
    const { subjects, data } = collectSubjects({
      citizens: [
        {
          fullName: 'A',
          __lt_key_0_Citizen: '001089012345',
          enterprises: [{ __lt_key_0_Enterprise: '0100109106' }],
        },
        null,
        { fullName: 'B', __lt_key_0_Citizen: '001089012346' },
        { fullName: 'A', __lt_key_0_Citizen: '001089012345' },
      ],
    });
    expect(subjects).toEqual(['Citizen:001089012345', 'Citizen:001089012346', 'Enterprise:0100109106']);
    expect(data).toEqual({
      citizens: [{ fullName: 'A', enterprises: [{}] }, null, { fullName: 'B' }, { fullName: 'A' }],
    });
  });

  it('ignores keys that came back null and keeps the rest of the data', () => {
    expect(collectSubjects({ citizen: { __lt_key_0_Citizen: null, __lt_typename: 'Citizen' } })).toEqual({
      subjects: [],
      data: { citizen: { __lt_typename: 'Citizen' } },
    });
    expect(collectSubjects(null)).toEqual({ subjects: [], data: null });
  });

  it('works on an operation that authorization rewrote', async () => {
    const authorized = authorizeOperation({
      schema,
      document: parse('{ citizen(id: "1") { religion } }'),
      scopes: new Set(['population:read']),
      requirements,
    });
    const document = injectSubjectKeys(authorized.document, schema, { keys });
    expect(validate(schema, document)).toEqual([]);
    const executed = await executeWithFakeData(schema, document);
    expect(collectSubjects(executed.data as Record<string, unknown>).subjects).toEqual([
      'Citizen:V:Citizen.id',
    ]);
  });
});

describe('collectServedCoordinates', () => {
  it('lists the fields read, without meta fields or reserved aliases', () => {
    const { document } = inject(
      '{ citizen(id: "1") { __typename fullName relatives { ... on Foreigner { name } } } }',
    );
    expect(collectServedCoordinates(document, schema)).toEqual([
      'Citizen.fullName',
      'Citizen.relatives',
      'Foreigner.name',
      'Query.citizen',
    ]);
  });
});
