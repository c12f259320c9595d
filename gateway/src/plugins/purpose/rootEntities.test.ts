import { type FragmentDefinitionNode, Kind, type OperationDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { type RootField, rootEntities, subjectOf, subjectsOutside } from './rootEntities.ts';

const A = '092082031521';
const B = '092184031521';
const C = '092209342442';

function read(query: string, variables?: Record<string, unknown>): RootField[] {
  const document = parse(query);
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION,
  ) as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  return rootEntities(operation, fragments, variables);
}

/** responseKey → "Type:id,…" for the fields that name an entity. */
const named = (fields: RootField[]) =>
  Object.fromEntries(
    fields
      .filter((f) => f.entity)
      .map((f) => [f.responseKey, f.entity!.ids.map((id) => subjectOf(f.entity!.type, id))]),
  );

describe('rootEntities', () => {
  it('reads each kind of root entity from literals', () => {
    const fields = read(`{
      citizen(id: "${A}") { fullName }
      citizens(ids: ["${B}", "${C}"]) { fullName }
      enterprise(code: "9266800762") { name }
      landCertificate(serial: "TR317207") { serial }
      issuedResult(code: "KS-92-2009-174393") { code }
    }`);
    expect(named(fields)).toEqual({
      citizen: [`Citizen:${A}`],
      citizens: [`Citizen:${B}`, `Citizen:${C}`],
      enterprise: ['Enterprise:9266800762'],
      landCertificate: ['LandCertificate:TR317207'],
      issuedResult: ['IssuedResult:KS-92-2009-174393'],
    });
    expect(fields.every((f) => f.entity?.resolved)).toBe(true);
  });

  it('keys fields by alias, so two aliases of one field are two entries', () => {
    const fields = read(
      `{ a: citizen(id: "${A}") { id } b: citizen(id: "${B}") { id } citizen(id: "${C}") { id } }`,
    );
    expect(named(fields)).toEqual({ a: [`Citizen:${A}`], b: [`Citizen:${B}`], citizen: [`Citizen:${C}`] });
    expect(fields.map((f) => f.fieldName)).toEqual(['citizen', 'citizen', 'citizen']);
  });

  it('reads ids from variables, from variables inside a list, and from defaults the request left out', () => {
    const fields = read(
      `query Q($id: ID!, $ids: [ID!]!, $one: ID!, $code: ID = "9266800762") {
        citizen(id: $id) { id }
        many: citizens(ids: $ids) { id }
        mixed: citizens(ids: ["${A}", $one]) { id }
        enterprise(code: $code) { code }
      }`,
      { id: A, ids: [B, C, B], one: C },
    );
    expect(named(fields)).toEqual({
      citizen: [`Citizen:${A}`],
      many: [`Citizen:${B}`, `Citizen:${C}`],
      mixed: [`Citizen:${A}`, `Citizen:${C}`],
      enterprise: ['Enterprise:9266800762'],
    });
  });

  it('coerces as GraphQL does: a single id for a list, an integer for an ID', () => {
    const fields = read(
      `query Q($n: ID!) { citizens(ids: "${A}") { id } citizen(id: 92082031521) { id } x: citizen(id: $n) { id } }`,
      {
        n: 92184031521,
      },
    );
    expect(named(fields)).toEqual({
      citizens: [`Citizen:${A}`],
      citizen: ['Citizen:92082031521'],
      x: ['Citizen:92184031521'],
    });
  });

  it('follows named and inline fragments, nested, and unions the ids of fields sharing a response key', () => {
    const fields = read(`
      query { ...Outer ... on Query { enterprise(code: "9266800762") { code } } citizen(id: "${A}") { id } }
      fragment Outer on Query { ...Inner c: citizen(id: "${B}") { fullName } }
      fragment Inner on Query { citizen(id: "${A}") { fullName } landCertificate(serial: "TR317207") { serial } }
    `);
    expect(named(fields)).toEqual({
      citizen: [`Citizen:${A}`],
      landCertificate: ['LandCertificate:TR317207'],
      c: [`Citizen:${B}`],
      enterprise: ['Enterprise:9266800762'],
    });
  });

  it('honours @skip and @include on fields, inline fragments and spreads, from literals and variables', () => {
    const fields = read(
      `query Q($yes: Boolean!, $no: Boolean = false) {
        a: citizen(id: "${A}") @skip(if: true) { id }
        b: citizen(id: "${B}") @include(if: $yes) { id }
        c: citizen(id: "${C}") @include(if: $no) { id }
        ... on Query @skip(if: $yes) { d: citizen(id: "${A}") { id } }
        ...F @include(if: false)
        e: citizen(id: "${C}") @skip(if: $no) @include(if: $yes) { id }
      }
      fragment F on Query { f: citizen(id: "${A}") { id } }`,
      { yes: true },
    );
    expect(named(fields)).toEqual({ b: [`Citizen:${B}`], e: [`Citizen:${C}`] });
  });

  it('keeps a field whose condition is not a boolean, so its subjects are still checked', () => {
    expect(named(read(`query Q($x: Boolean!) { citizen(id: "${A}") @skip(if: $x) { id } }`, {}))).toEqual({
      citizen: [`Citizen:${A}`],
    });
  });

  it('marks an id it cannot read as unresolved rather than naming no one', () => {
    const fields = read(
      `query Q($missing: ID!, $obj: ID!, $ids: [ID!]!) {
        a: citizen(id: $missing) { id }
        b: citizen(id: $obj) { id }
        c: citizens(ids: $ids) { id }
        d: citizen(id: 1.5) { id }
        e: citizen(id: null) { id }
      }`,
      { obj: { id: A }, ids: [A, null, [B]] },
    );
    expect(Object.fromEntries(fields.map((f) => [f.responseKey, f.entity]))).toEqual({
      a: { type: 'Citizen', ids: [], resolved: false },
      b: { type: 'Citizen', ids: [], resolved: false },
      c: { type: 'Citizen', ids: [A], resolved: false },
      d: { type: 'Citizen', ids: [], resolved: false },
      e: { type: 'Citizen', ids: [], resolved: false },
    });
  });

  it('lists root fields that name no entity without one, and reads no entity from a mutation', () => {
    const fields = read(
      `{ __typename auditEvents(first: 1) { edges { cursor } } verifyIssuedResult(attestation: "x") { valid } }`,
    );
    expect(fields).toEqual([
      { responseKey: '__typename', fieldName: '__typename' },
      { responseKey: 'auditEvents', fieldName: 'auditEvents' },
      { responseKey: 'verifyIssuedResult', fieldName: 'verifyIssuedResult' },
    ]);
    expect(read(`mutation { citizen(id: "${A}") { id } }`)).toEqual([
      { responseKey: 'citizen', fieldName: 'citizen' },
    ]);
  });

  it('does not loop on a fragment cycle (which validation refuses anyway)', () => {
    const fields = read(
      `{ ...A } fragment A on Query { ...B citizen(id: "${A}") { id } } fragment B on Query { ...A }`,
    );
    expect(named(fields)).toEqual({ citizen: [`Citizen:${A}`] });
  });

  it('names the subjects of a field outside a dossier, and refuses a field it could not read whole', () => {
    const allowed = new Set([`Citizen:${A}`, 'Enterprise:9266800762']);
    const [many, one, none, audit, unread] = read(
      `query Q($x: ID!) { citizens(ids: ["${A}", "${B}", "${C}"]) { id } enterprise(code: "9266800762") { code }
        c: citizen(id: "${C}") { id } auditEvents { edges { cursor } } d: citizen(id: $x) { id } }`,
      {},
    );
    expect(subjectsOutside(many!, allowed)).toEqual({
      all: false,
      subjects: [`Citizen:${B}`, `Citizen:${C}`],
    });
    expect(subjectsOutside(one!, allowed)).toEqual({ all: false, subjects: [] });
    expect(subjectsOutside(none!, allowed)).toEqual({ all: false, subjects: [`Citizen:${C}`] });
    expect(subjectsOutside(audit!, allowed)).toEqual({ all: false, subjects: [] });
    expect(subjectsOutside(unread!, allowed)).toEqual({ all: true, subjects: [] });
  });
});
