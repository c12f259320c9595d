import { readFile } from 'node:fs/promises';
import { Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { labelOfDescription, readFieldLabels } from './fieldLabels.ts';

const supergraph = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');
const procedures = JSON.parse(
  await readFile(new URL('../../../schema/procedures.json', import.meta.url), 'utf8'),
) as { fields?: string[] }[];

describe('labelOfDescription', () => {
  it('takes the first parenthesised Vietnamese phrase, and the English words before it', () => {
    expect(labelOfDescription('Full name (họ và tên).')).toEqual({ vi: 'họ và tên', en: 'Full name' });
    expect(
      labelOfDescription('Several citizens (at most 100 ids) at once (tra cứu nhiều công dân).'),
    ).toEqual({
      vi: 'tra cứu nhiều công dân',
      en: 'Several citizens (at most 100 ids) at once',
    });
  });

  it('finds no label in a description without Vietnamese', () => {
    expect(labelOfDescription('Audit records (Relay-style).')).toBeUndefined();
  });
});

describe('readFieldLabels on the composed supergraph', () => {
  const labels = readFieldLabels(supergraph);

  it('labels citizen fields as officers name them', () => {
    expect(labels.get('Citizen.fullName', 'vi')).toBe('họ và tên');
    expect(labels.get('Citizen.dateOfBirth', 'vi')).toBe('ngày sinh');
    expect(labels.get('Citizen.permanentResidence', 'vi')).toBe('nơi thường trú');
    expect(labels.get('Citizen.permanentResidence', 'en')).toBe('Permanent residence');
    expect(labels.get('Query.citizen', 'vi')).toBe('tra cứu công dân');
    expect(labels.get('Citizen.nope', 'vi')).toBeUndefined();
  });

  it('has a Vietnamese label for every field of the records a citizen can be read from', () => {
    const types = [
      'Citizen',
      'Household',
      'HouseholdMember',
      'Address',
      'SocialInsurance',
      'Enterprise',
      'LandCertificate',
      'LandParcel',
      'IssuedResult',
    ];
    const coordinates = parse(supergraph).definitions.flatMap((d) =>
      d.kind === Kind.OBJECT_TYPE_DEFINITION && types.includes(d.name.value)
        ? (d.fields ?? []).map((f) => `${d.name.value}.${f.name.value}`)
        : [],
    );
    expect(coordinates.length).toBeGreaterThan(60);
    expect(coordinates.filter((c) => labels.get(c, 'vi') === undefined)).toEqual([]);
  });

  it('has a Vietnamese label for every field a procedure of the registry names', () => {
    const named = procedures.flatMap((p) => p.fields ?? []).filter((f) => !f.endsWith('.*'));
    expect(named.filter((coordinate) => labels.get(coordinate, 'vi') === undefined)).toEqual([]);
  });
});
