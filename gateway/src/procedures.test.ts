import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.ts';
import { loadProcedureRegistry, parseProcedureRegistry, scopesInForce } from './procedures.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-procedures-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const valid = { code: '1.001193', name: 'Đăng ký khai sinh', level: 'commune', scopes: ['population:read'] };

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
    expect(registry.get('1.004227')?.scopes.has('population:sensitive')).toBe(false);
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
    [{ code: '1.004227', name: 'Đăng ký thường trú', level: 'commune', scopes: ['population:read'] }],
    'test.json',
  );
  const residence = registry.get('1.004227');

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
