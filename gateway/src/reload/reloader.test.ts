// Reloading the supergraph and the registries: every kind of bad file is refused with a log line and
// a count while the set in force stays; a good set is applied whole; a request keeps the set of the
// schema it started on; a file caught half-written is refused and the completed one applied; the
// directory watch sees an editor's rename-over-the-file save.
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConfigFiles, type ConfigSet, loadConfigSet } from './configSet.ts';
import { type LiveConfig, liveConfig } from './liveConfig.ts';
import { type Reloader, startReloader } from './reloader.ts';

const SUPERGRAPH = await readFile(new URL('../../../schema/supergraph.graphql', import.meta.url), 'utf8');
const PROCEDURES = JSON.parse(
  await readFile(new URL('../../../schema/procedures.json', import.meta.url), 'utf8'),
) as { code: string; fields?: string[] }[];
const CLIENT = 'ubnd-cantho.motcua';
const CLIENTS = [
  { clientId: CLIENT, name: 'UBND Cần Thơ', agencies: [], levels: [], procedures: ['1.003005'] },
];
const AUDIT_EVENTS_SCOPE = ' @requiresScopes(scopes: [["audit:read"]])';

let dir: string;
let files: ConfigFiles;
let lines: Record<string, unknown>[];
let registry: Registry;
let live: LiveConfig;
let reloader: Reloader;

/** A logger whose lines the test reads. */
const capture = () => pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });

/** Writes as editors and `cp` to a temporary name then `mv` do: the file is whole when it appears. */
async function replace(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

const load = () =>
  loadConfigSet(
    files,
    (supergraphSdl) => new ApolloGateway({ supergraphSdl, logger: pino({ level: 'silent' }) }),
  );

async function count(file: string, outcome: string): Promise<number> {
  const metric = await registry.getSingleMetric('lienthong_config_reloads_total')?.get();
  return metric?.values.find((v) => v.labels['file'] === file && v.labels['outcome'] === outcome)?.value ?? 0;
}

async function loadedHash(): Promise<string | undefined> {
  const metric = await registry.getSingleMetric('lienthong_config_info')?.get();
  return metric?.values.find((v) => v.value === 1)?.labels['supergraph'] as string | undefined;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-reload-'));
  files = {
    supergraph: join(dir, 'supergraph.graphql'),
    procedures: join(dir, 'procedures.json'),
    clients: join(dir, 'clients.json'),
  };
  await writeFile(files.supergraph, SUPERGRAPH);
  await writeFile(files.procedures!, JSON.stringify(PROCEDURES));
  await writeFile(files.clients!, JSON.stringify(CLIENTS));
  lines = [];
  registry = new Registry();
  live = liveConfig(await load());
  // Only the watch's own test watches: elsewhere a reload is what the test asks for, and nothing else.
  reloader = startReloader({ files, live, load, logger: capture(), registry, signal: false, watch: false });
});
afterEach(async () => {
  reloader.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a bad file is refused and the set in force stays', () => {
  const cases: [string, keyof ConfigFiles, () => string][] = [
    ['a supergraph that does not parse', 'supergraph', () => `${SUPERGRAPH}\ntype {`],
    [
      'a supergraph whose root field lost its scope directive',
      'supergraph',
      () => SUPERGRAPH.replace(AUDIT_EVENTS_SCOPE, ''),
    ],
    [
      'a supergraph without the join composition metadata',
      'supergraph',
      () => SUPERGRAPH.replace('  @link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)\n', ''),
    ],
    [
      'a supergraph naming a subgraph it does not define (no query planner can be built)',
      'supergraph',
      () =>
        SUPERGRAPH.replace(
          '@join__field(graph: AUDIT) @requiresScopes',
          '@join__field(graph: NOWHERE) @requiresScopes',
        ),
    ],
    ['a procedure registry that is not JSON', 'procedures', () => JSON.stringify(PROCEDURES).slice(0, 200)],
    [
      'a procedure registry naming a field the schema does not have',
      'procedures',
      () =>
        JSON.stringify(
          PROCEDURES.map((p) => (p.fields ? { ...p, fields: [...p.fields, 'Citizen.bloodType'] } : p)),
        ),
    ],
    ['a procedure registry failing its schema', 'procedures', () => JSON.stringify([{ code: 'x' }])],
    ['a client registry that is not JSON', 'clients', () => '[{"clientId": '],
    [
      'a client registry granting a procedure the registry lacks',
      'clients',
      () => JSON.stringify([{ ...CLIENTS[0], procedures: ['9.999999'] }]),
    ],
  ];
  for (const [name, file, text] of cases) {
    it(`refuses ${name}`, async () => {
      const before: ConfigSet = live.current;
      const hashBefore = await loadedHash();
      await replace(files[file]!, text());
      const outcome = await reloader.reload('test');
      expect(outcome).toMatchObject({ outcome: 'refused', file });
      expect(live.current).toBe(before);
      expect(await count(file, 'refused')).toBe(1);
      expect(await count('all', 'applied')).toBe(0);
      expect(await loadedHash()).toBe(hashBefore);
      const refusals = lines.filter((l) => l['msg'] === 'configuration reload refused');
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toMatchObject({ level: 50, file, path: files[file] });
      expect(String(refusals[0]!['reason']).length).toBeGreaterThan(0);
    });
  }
});

it('applies a good set whole, and a request keeps the set of the schema it started on', async () => {
  const before = live.current;
  const { schema: oldSchema } = await live.gateway.load();
  const described = SUPERGRAPH.replace(
    '"""Province code (mã tỉnh), 2 digits."""',
    '"""Province code (mã tỉnh), two digits."""',
  );
  expect(described).not.toBe(SUPERGRAPH);
  const narrowed = PROCEDURES.map((p) =>
    p.code === '1.003005' ? { ...p, fields: p.fields!.filter((f) => f !== 'Citizen.fullName') } : p,
  );
  await replace(files.supergraph, described);
  await replace(files.procedures!, JSON.stringify(narrowed));
  const outcome = await reloader.reload('test');
  expect(outcome.outcome).toBe('applied');
  const after = live.current;
  expect(after).not.toBe(before);
  expect(after.supergraphSdl).toBe(described);
  expect(after.registry.get('1.003005')!.fields).not.toContain('Citizen.fullName');
  expect(before.registry.get('1.003005')!.fields).toContain('Citizen.fullName');
  // A request that started on the old schema still gets the old set; new ones the new.
  expect(live.of(oldSchema)).toBe(before);
  const newSchema = (await live.gateway.load()).schema;
  expect(newSchema).not.toBe(oldSchema);
  expect(live.of(newSchema)).toBe(after);
  expect((newSchema.getType('Address') as GraphQLObjectType).getFields()['provinceCode']?.description).toBe(
    'Province code (mã tỉnh), two digits.',
  );
  expect(await count('all', 'applied')).toBe(1);
  expect(await loadedHash()).toBe(after.supergraphHash.slice(0, 12));
  expect(lines.filter((l) => l['msg'] === 'configuration reload applied')).toHaveLength(1);

  // The same files again: nothing to swap.
  expect(await reloader.reload('test')).toEqual({ outcome: 'unchanged' });
  expect(live.current).toBe(after);
  expect(await count('all', 'applied')).toBe(1);
  expect(await count('all', 'unchanged')).toBe(1);
});

it('tells Apollo Server of the new schema when a set is applied', async () => {
  const { schema: initial } = await live.gateway.load();
  const announced: GraphQLSchema[] = [];
  live.gateway.onSchemaLoadOrUpdate(({ apiSchema }) => announced.push(apiSchema));
  await replace(
    files.supergraph,
    SUPERGRAPH.replace('Province code (mã tỉnh)', 'Province code (mã tỉnh thành)'),
  );
  expect((await reloader.reload('test')).outcome).toBe('applied');
  expect(announced).toHaveLength(1);
  expect(announced[0]).not.toBe(initial);
  expect(live.of(announced[0])).toBe(live.current);
  expect(
    (announced[0]!.getType('Address') as GraphQLObjectType).getFields()['provinceCode']?.description,
  ).toBe('Province code (mã tỉnh thành), 2 digits.');
});

it('refuses a registry caught half-written and applies it once it is whole', async () => {
  const before = live.current;
  const whole = JSON.stringify(CLIENTS.map((c) => ({ ...c, name: 'UBND thành phố Cần Thơ' })));
  // Written in place, as a plain `>` redirect does: a reload may read the first half.
  await writeFile(files.clients!, whole.slice(0, whole.length / 2));
  expect(await reloader.reload('test')).toMatchObject({ outcome: 'refused', file: 'clients' });
  expect(live.current).toBe(before);
  await writeFile(files.clients!, whole);
  expect((await reloader.reload('test')).outcome).toBe('applied');
  expect(live.current.clients.get(CLIENT)?.name).toBe('UBND thành phố Cần Thơ');
});

it('reloads when an editor renames a new file over a watched one', async () => {
  reloader.close();
  registry.clear();
  reloader = startReloader({ files, live, load, logger: capture(), registry, signal: false });
  const renamed = PROCEDURES.map((p) => (p.code === '1.003005' ? { ...p, name: 'Công nhận hộ nghèo' } : p));
  await replace(files.procedures!, JSON.stringify(renamed));
  // Polled, not slept: the watch fires after its debounce, however loaded the machine is.
  for (let i = 0; i < 600 && (await count('all', 'applied')) === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(await count('all', 'applied')).toBe(1);
  expect(lines.find((l) => l['msg'] === 'configuration reload applied')).toMatchObject({
    trigger: 'file change',
  });
  expect(live.current.registry.get('1.003005')?.name).toBe('Công nhận hộ nghèo');
}, 60_000);

it('runs reloads one at a time: triggers during a reload share the one after it', async () => {
  await replace(
    files.supergraph,
    SUPERGRAPH.replace('Province code (mã tỉnh)', 'Province code (mã tỉnh/thành phố)'),
  );
  const outcomes = await Promise.all([reloader.reload('a'), reloader.reload('b'), reloader.reload('c')]);
  expect(outcomes.map((o) => o.outcome)).toEqual(['applied', 'unchanged', 'unchanged']);
  expect(await count('all', 'applied')).toBe(1);
  expect(await count('all', 'unchanged')).toBe(1);
});
