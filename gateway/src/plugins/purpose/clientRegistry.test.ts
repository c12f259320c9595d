import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lib/errors.ts';
import { loadProcedureRegistry, type ProcedureRegistry } from '../../procedures.ts';
import {
  clientRegistryFor,
  loadClientRegistry,
  openClientRegistry,
  parseClientRegistry,
} from './clientRegistry.ts';

let procedures: ProcedureRegistry;
let dir: string;
beforeAll(async () => {
  procedures = await loadProcedureRegistry();
  dir = await mkdtemp(join(tmpdir(), 'lienthong-clients-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const procedure = (level: 'commune' | 'province' | 'ministry') =>
  procedures.all().find((p) => p.level === level)!;

function client(patch: Record<string, unknown> = {}) {
  return {
    clientId: 'ubnd-cantho.motcua',
    name: 'Một cửa UBND thành phố Cần Thơ',
    agencies: ['31135', '92-DKKD'],
    levels: ['commune'],
    procedures: [procedure('province').code],
    ...patch,
  };
}

function problems(json: unknown): string[] {
  try {
    parseClientRegistry(json, 'clients.json', procedures);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('client registry', () => {
  const registry = () => parseClientRegistry([client()], 'clients.json', procedures);

  it('lets a client act for the agencies it lists and for its token own agency, and no other', () => {
    const r = registry();
    expect(r.mayActFor({ clientId: 'ubnd-cantho.motcua' }, '92-DKKD')).toBe(true);
    expect(r.mayActFor({ clientId: 'ubnd-cantho.motcua', agency: '31135' }, '31135')).toBe(true);
    expect(r.mayActFor({ clientId: 'ubnd-cantho.motcua', agency: '00004' }, '00004')).toBe(true);
    expect(r.mayActFor({ clientId: 'ubnd-cantho.motcua', agency: '31135' }, '00004')).toBe(false);
    expect(r.mayActFor({ clientId: 'ubnd-hanoi.motcua' }, '31135')).toBe(false);
  });

  it('lets a client invoke a procedure by its code or by its level, and an unlisted client nothing', () => {
    const r = registry();
    expect(r.mayInvoke('ubnd-cantho.motcua', procedure('commune'))).toBe(true);
    expect(r.mayInvoke('ubnd-cantho.motcua', procedure('province'))).toBe(true);
    const otherProvince = procedures
      .all()
      .find((p) => p.level === 'province' && p.code !== procedure('province').code)!;
    expect(r.mayInvoke('ubnd-cantho.motcua', otherProvince)).toBe(false);
    expect(r.mayInvoke('ubnd-cantho.motcua', procedure('ministry'))).toBe(false);
    expect(r.mayInvoke('ubnd-hanoi.motcua', procedure('commune'))).toBe(false);
    expect(r.get('ubnd-cantho.motcua')?.agencies.has('31135')).toBe(true);
    expect(r.listed).toBe(true);
  });

  it('without a file (dev mode), lets a client act for its token agency only, and invoke any procedure', () => {
    const r = openClientRegistry();
    expect(r.mayActFor({ clientId: 'x', agency: '31135' }, '31135')).toBe(true);
    expect(r.mayActFor({ clientId: 'x', agency: '31135' }, '92-DKKD')).toBe(false);
    expect(r.mayActFor({ clientId: 'x' }, '31135')).toBe(false);
    expect(r.mayInvoke('x', procedure('ministry'))).toBe(true);
    expect(r.listed).toBe(false);
  });

  it('reports one line per problem, naming the variable and where', () => {
    const found = problems([
      client({ clientId: '' }),
      client({ agencies: ['99999', '31135'] }),
      client({ clientId: 'b', levels: ['district'] }),
      client({ clientId: 'c', procedures: ['1004227'] }),
      client({ clientId: 'd', name: ' ', extra: true }),
    ]);
    expect(found).toHaveLength(6);
    for (const line of found) expect(line).toMatch(/^CLIENTS_FILE: expected .* in clients\.json; at \[\d\]/);
    expect(found.join('\n')).toContain('[1].agencies[0]');
    expect(found.join('\n')).toContain('[2].levels[0]');
    expect(found.join('\n')).toContain('[3].procedures[0]');
    expect(found.join('\n')).toContain('[4].name');
  });

  it('refuses duplicate client ids and procedure codes the procedure registry lacks', () => {
    const found = problems([client(), client({ procedures: ['9.999999'] })]);
    expect(found).toEqual([
      'CLIENTS_FILE: expected unique client ids in clients.json, got ubnd-cantho.motcua twice',
      'CLIENTS_FILE: expected procedure codes of the procedure registry in clients.json; at [1].procedures: 9.999999 is not in it',
    ]);
    expect(problems([])).toEqual([
      'CLIENTS_FILE: expected a JSON array of { clientId, name, agencies, levels, procedures } in clients.json; at the top level: must list at least one client',
    ]);
    expect(problems({ clients: [] })).toHaveLength(1);
  });

  it('loads a file, and names the file when it is missing or not JSON', async () => {
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify([client()]));
    expect((await loadClientRegistry(good, procedures)).get('ubnd-cantho.motcua')?.name).toContain('Cần Thơ');
    expect((await clientRegistryFor(good, procedures)).listed).toBe(true);
    expect((await clientRegistryFor(undefined, procedures)).listed).toBe(false);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '[{');
    await expect(loadClientRegistry(bad, procedures)).rejects.toThrow(/CLIENTS_FILE: expected JSON/);
    await expect(loadClientRegistry(join(dir, 'none.json'), procedures)).rejects.toThrow(
      /CLIENTS_FILE: expected a readable client registry, got .* \(ENOENT\)/,
    );
  });
});
