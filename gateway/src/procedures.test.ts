import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.ts';
import { apiSchemaOf } from '../../tests/support/testSupergraph.ts';
import { isSatisfied } from './operation/requirements.ts';
import { readScopeRequirements } from './operation/supergraphSecurity.ts';
import {
  assertProcedureFieldsExist,
  fieldNeeded,
  loadProcedureRegistry,
  parseProcedureRegistry,
  scopesInForce,
  unknownFieldCoordinates,
} from './procedures.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-procedures-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const valid = {
  code: '1.001193',
  name: 'Đăng ký khai sinh',
  level: 'commune',
  source: 'https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc=1.001193',
  scopes: ['population:read'],
  fields: ['Query.citizen', 'Citizen.fullName', 'Address.*'],
};

function problemsOf(json: unknown): string[] {
  try {
    parseProcedureRegistry(json, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('the shipped registry', () => {
  it('loads and names birth registration with the scopes it may use', async () => {
    const registry = await loadProcedureRegistry();
    expect(registry.all().length).toBeGreaterThanOrEqual(12);
    const birth = registry.get('1.001193');
    expect(birth?.name).toBe('Đăng ký khai sinh');
    expect(birth?.level).toBe('commune');
    expect([...(birth?.scopes ?? [])].sort()).toEqual([
      'population:read',
      'population:sensitive',
      'results:issue',
      'results:read',
    ]);
  });

  it('never grants sensitive population data to residence registration', async () => {
    const registry = await loadProcedureRegistry();
    expect(registry.get('1.004222')?.scopes.has('population:sensitive')).toBe(false);
  });

  it('uses the catalogue codes public copies list, not the codes of other procedures', async () => {
    const registry = await loadProcedureRegistry();
    expect(registry.get('1.004222')?.name).toBe('Đăng ký thường trú');
    expect(registry.get('1.010041')?.name).toBe('Xác nhận thông tin về cư trú');
    expect(registry.get('1.001612')?.name).toBe('Đăng ký thành lập hộ kinh doanh');
    // 1.004227 is not permanent residence, 1.010038 is household splitting, 2.000720 a change of a
    // household business and 1.012805 a land dispute: none of them is what the registry once named.
    for (const wrong of ['1.004227', '1.010038', '2.000720', '1.012805']) {
      expect(registry.get(wrong)).toBeUndefined();
    }
  });

  it('cites a source for every entry and marks the ones no public copy confirmed', async () => {
    const all = (await loadProcedureRegistry()).all();
    for (const procedure of all) expect(procedure.source?.length).toBeGreaterThan(10);
    const unconfirmed = all.filter((p) => !p.confirmed).map((p) => p.code);
    expect(unconfirmed).toContain('2.002154');
    expect(unconfirmed).not.toContain('1.001193');
    expect(all.length - unconfirmed.length).toBeGreaterThanOrEqual(9);
  });

  it('names only fields the committed supergraph has', async () => {
    const registry = await loadProcedureRegistry();
    const supergraph = await readFile(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
    const schema = await apiSchemaOf(supergraph);
    expect(unknownFieldCoordinates(registry, schema)).toEqual([]);
  });

  it('names only fields its own scopes can read', async () => {
    const supergraph = await readFile(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
    const requirements = readScopeRequirements(supergraph);
    const schema = await apiSchemaOf(supergraph);
    const unreadable: string[] = [];
    for (const procedure of (await loadProcedureRegistry()).all()) {
      expect(procedure.fields, `${procedure.code} lists its fields`).toBeDefined();
      for (const coordinate of procedure.fields ?? []) {
        const [typeName, fieldName] = coordinate.split('.') as [string, string];
        const fields =
          fieldName === '*'
            ? Object.keys((schema.getType(typeName) as GraphQLObjectType).getFields()).map(
                (f) => `${typeName}.${f}`,
              )
            : [coordinate];
        const readable = fields.filter((f) => isSatisfied(requirements.get(f) ?? [[]], procedure.scopes));
        // A wildcard may cover fields of other scopes (they stay unread); a named field may not.
        if (fieldName === '*' ? readable.length === 0 : readable.length !== 1) {
          unreadable.push(`${procedure.code} ${coordinate}`);
        }
      }
    }
    expect(unreadable).toEqual([]);
  });

  it('gives a marriage identity, residence and the spouse link, not land, insurance or ethnicity', async () => {
    const marriage = (await loadProcedureRegistry()).get('1.000894');
    expect(marriage?.fields).toEqual(
      expect.arrayContaining(['Citizen.fullName', 'Citizen.permanentResidence', 'Citizen.spouse']),
    );
    for (const field of marriage?.fields ?? []) {
      expect(field).not.toMatch(/^(Land|SocialInsurance|HealthInsurance|Enterprise)|ethnicity|religion/);
    }
  });

  it('names sensitive fields only where the procedure holds the sensitive scope', async () => {
    for (const procedure of (await loadProcedureRegistry()).all()) {
      const sensitive = (procedure.fields ?? []).some((f) => /^Citizen\.(ethnicity|religion|\*)$/.test(f));
      if (sensitive) expect(procedure.scopes.has('population:sensitive')).toBe(true);
    }
  });
});

describe('docs/procedures.md', () => {
  it('lists every registry entry with its name and level, and marks the unconfirmed ones', async () => {
    const doc = await readFile(new URL('../../docs/procedures.md', import.meta.url), 'utf8');
    const rows = new Map(
      doc
        .split('\n')
        .filter((line) => /^\| \d\.\d{6} \|/.test(line))
        .map((line) => [line.split(' | ')[0]!.slice(2), line] as const),
    );
    const all = (await loadProcedureRegistry()).all();
    expect([...rows.keys()].sort()).toEqual(all.map((p) => p.code).sort());
    for (const procedure of all) {
      const row = rows.get(procedure.code)!;
      expect(row, procedure.code).toContain(`| ${procedure.name} | ${procedure.level} |`);
      expect(row.includes('**unconfirmed**'), procedure.code).toBe(!procedure.confirmed);
    }
  });
});

describe('the fields of a procedure', () => {
  const schema = buildSchema(`
    type Query { citizen(id: ID!): Citizen }
    type Citizen { id: ID! fullName: String permanentResidence: Address }
    type Address { provinceCode: String }
  `);

  it('are reported one line per coordinate the schema lacks', () => {
    const registry = parseProcedureRegistry(
      [
        {
          ...valid,
          fields: ['Query.citizen', 'Citizen.fullName', 'Citizen.religion', 'Land.*', 'Address.*'],
        },
      ],
      'test.json',
    );
    expect(unknownFieldCoordinates(registry, schema, 'test.json')).toEqual([
      'PROCEDURES_FILE: procedure 1.001193 in test.json names Citizen.religion, which the schema does not have',
      'PROCEDURES_FILE: procedure 1.001193 in test.json names Land.*, which the schema does not have',
    ]);
    expect(() => assertProcedureFieldsExist(registry, schema, 'test.json')).toThrow(ConfigError);
  });

  it('pass when every coordinate exists', () => {
    const registry = parseProcedureRegistry([valid], 'test.json');
    expect(registry.get('1.001193')?.fields).toEqual(['Query.citizen', 'Citizen.fullName', 'Address.*']);
    expect(() => assertProcedureFieldsExist(registry, schema)).not.toThrow();
  });

  it('cannot name a scalar or a missing type with a wildcard', () => {
    const registry = parseProcedureRegistry([{ ...valid, fields: ['String.*', 'ID.length'] }], 'test.json');
    expect(unknownFieldCoordinates(registry, schema)).toHaveLength(2);
  });
});

describe('loadProcedureRegistry rejects a bad PROCEDURES_FILE', () => {
  it('that does not exist', async () => {
    await expect(loadProcedureRegistry(join(dir, 'missing.json'))).rejects.toThrow(/PROCEDURES_FILE.*ENOENT/);
  });

  it('that is not JSON', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '[{"code":');
    await expect(loadProcedureRegistry(file)).rejects.toThrow(/PROCEDURES_FILE: expected JSON/);
  });

  it('with a malformed code', () => {
    expect(problemsOf([{ ...valid, code: '1001193' }])).toEqual([
      expect.stringMatching(/PROCEDURES_FILE.*\[0\]\.code/),
    ]);
  });

  it('with a duplicate code', () => {
    expect(problemsOf([valid, { ...valid, name: 'Khác' }])).toEqual([
      expect.stringMatching(/duplicates 1\.001193/),
    ]);
  });

  it('with an unknown scope', () => {
    expect(problemsOf([{ ...valid, scopes: ['population:read', 'everything'] }])[0]).toMatch(
      /\[0\]\.scopes\[1\]/,
    );
  });

  it('with malformed field coordinates, one line each', () => {
    const problems = problemsOf([
      { ...valid, fields: ['Citizen.fullName', 'Citizen', 'Citizen.full-name', '*.id', 'Citizen.fullName '] },
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/\[0\]\.fields\[1\]: must be a schema coordinate/),
      expect.stringMatching(/\[0\]\.fields\[2\]/),
      expect.stringMatching(/\[0\]\.fields\[3\]/),
      expect.stringMatching(/\[0\]\.fields\[4\]/),
    ]);
  });

  it('with an empty fields list, a repeated coordinate, or a blank source', () => {
    expect(problemsOf([{ ...valid, fields: [] }])[0]).toMatch(/\.fields: must name at least one field/);
    expect(problemsOf([{ ...valid, fields: ['Citizen.id', 'Citizen.id'] }])[0]).toMatch(/must not repeat/);
    expect(problemsOf([{ ...valid, source: ' ' }])[0]).toMatch(/\[0\]\.source: must cite/);
    expect(problemsOf([{ ...valid, confirmed: 'yes' }])[0]).toMatch(/\[0\]\.confirmed/);
  });

  it("accepts the contract's plain form, without source or fields (which then narrow nothing)", () => {
    const { source: _s, fields: _f, ...plain } = valid;
    const procedure = parseProcedureRegistry([plain], 'test.json').all()[0];
    expect(procedure?.fields).toBeUndefined();
    expect(fieldNeeded(procedure, 'Citizen.religion')).toBe(true);
  });

  it('with an empty name, an unknown level, no scopes or an extra member', () => {
    expect(problemsOf([{ ...valid, name: '  ' }])[0]).toMatch(/\.name/);
    expect(problemsOf([{ ...valid, level: 'district' }])[0]).toMatch(/\.level/);
    expect(problemsOf([{ ...valid, scopes: [] }])[0]).toMatch(/\.scopes/);
    expect(problemsOf([{ ...valid, admin: true }])[0]).toMatch(/admin/);
  });

  it('that is not an array or is empty', () => {
    expect(problemsOf({ procedures: [] })).toHaveLength(1);
    expect(problemsOf([])).toHaveLength(1);
  });
});

describe('scopesInForce', () => {
  const registry = parseProcedureRegistry(
    [{ ...valid, code: '1.004222', name: 'Đăng ký thường trú', scopes: ['population:read'] }],
    'test.json',
  );
  const residence = registry.get('1.004222');

  it('keeps only the token scopes the procedure allows', () => {
    const token = new Set(['population:read', 'population:sensitive', 'business:read']);
    expect([...scopesInForce(token, residence)]).toEqual(['population:read']);
  });

  it('passes purpose-free scopes through, with or without a procedure', () => {
    const token = new Set([
      'audit:read',
      'citizen:self',
      'cache:evict',
      'schema:introspect',
      'population:read',
    ]);
    expect([...scopesInForce(token, undefined)].sort()).toEqual([
      'audit:read',
      'cache:evict',
      'citizen:self',
      'schema:introspect',
    ]);
    expect(scopesInForce(token, residence).has('population:read')).toBe(true);
  });

  it('drops a scope the procedure allows but the token lacks, and unknown token scopes', () => {
    expect([...scopesInForce(new Set(['land:read', 'population:read ']), residence)]).toEqual([]);
  });
});
