// Reloading a running gateway process (issue 15), over real HTTP against real subgraphs and mocks.
// Under a steady load of concurrent requests the supergraph file is replaced and SIGHUP sent: no
// request fails, and new requests see the new schema. A bad supergraph is refused with a log line
// and a count while the gateway keeps serving the old one. A changed procedure registry and a changed
// client registry decide the requests made after their reload. A field removed under load: every
// request is answered under one schema, whole (the old) or refused by validation (the new), never half.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SOURCES } from '../../lib/topology.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { ALL_READS_PROCEDURE, type Stack, startStack, TEST_DOSSIER } from '../support/stack.ts';
import { NODE } from './auditProcesses.ts';

const SUPERGRAPH = await readFile('schema/supergraph.graphql', 'utf8');
const PROCEDURES = JSON.parse(await readFile('schema/procedures.json', 'utf8')) as {
  code: string;
  fields?: string[];
}[];
const CLIENT = 'ubnd-cantho.motcua';
const CLIENTS = [
  { clientId: CLIENT, name: 'UBND Cần Thơ', agencies: [], levels: [], procedures: [ALL_READS_PROCEDURE] },
];
const PROVINCE_CODE = '"""Province code (mã tỉnh), 2 digits."""';
/** The supergraph with another description of Address.provinceCode: observable by introspection. */
const described = (words: string) =>
  SUPERGRAPH.replace(PROVINCE_CODE, `"""Province code (mã tỉnh), ${words}."""`);
const LOOPS = 8;

let stack: Stack;
let dir: string;
let child: ChildProcess;
let exited: Promise<number | null>;
let url: string;
const logs: Record<string, unknown>[] = [];

async function replace(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

beforeAll(async () => {
  stack = await startStack();
  dir = await mkdtemp(join(tmpdir(), 'lienthong-reload-proc-'));
  await writeFile(join(dir, 'supergraph.graphql'), SUPERGRAPH);
  await writeFile(join(dir, 'procedures.json'), JSON.stringify(PROCEDURES));
  await writeFile(join(dir, 'clients.json'), JSON.stringify(CLIENTS));
  const { DATABASE_URL: _, ...env } = process.env;
  child = spawn(NODE, ['gateway/src/main.ts'], {
    env: {
      ...env,
      ...stack.gatewayEnv,
      LOG_LEVEL: 'info',
      AUDIT_DATA_DIR: join(dir, 'audit'),
      SUBGRAPH_URLS: SOURCES.map((s) => `${s}=${stack.subgraphs[s].url}`).join(','),
      SUPERGRAPH_FILE: join(dir, 'supergraph.graphql'),
      PROCEDURES_FILE: join(dir, 'procedures.json'),
      CLIENTS_FILE: join(dir, 'clients.json'),
      // The load is this test's own; quotas are not what it measures.
      RATE_LIMIT_CAPACITY: '1000000',
      RATE_LIMIT_REFILL_PER_SECOND: '1000000',
      RATE_LIMIT_COST_CAPACITY: '100000000',
      RATE_LIMIT_COST_PER_SECOND: '100000000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry['msg'] === 'gateway listening') resolve(entry['url'] as string);
    });
    exited.then((code) => reject(new Error(`gateway exited with ${code} before listening`)));
  });
}, 60_000);
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGTERM');
  if (child) expect(await exited).toBe(0);
  await stack?.[Symbol.asyncDispose]();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** lienthong_config_reloads_total{file, outcome} as the gateway's /metrics shows it. */
async function reloads(file: string, outcome: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('lienthong_config_reloads_total{') &&
        l.includes(`file="${file}"`) &&
        l.includes(`outcome="${outcome}"`),
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** Polls (never sleeps a guessed time) until `done`, for at most a generous minute. */
async function until(done: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function citizen(fields = 'id fullName') {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await stack.token('population:read')}`,
      'x-procedure-code': ALL_READS_PROCEDURE,
      'x-dossier-id': TEST_DOSSIER,
    },
    body: JSON.stringify({
      query: `query($id: ID!) { citizen(id: $id) { ${fields} } }`,
      variables: { id: FIXTURES.husband },
    }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      data?: { citizen?: { id: string; fullName: string | null } | null };
      errors?: { message: string; path?: string[]; extensions?: { code?: string; reason?: string } }[];
    },
  };
}

async function provinceCodeDescription(): Promise<string> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await stack.token('schema:introspect')}`,
    },
    body: JSON.stringify({ query: '{ __type(name: "Address") { fields { name description } } }' }),
  });
  const body = (await response.json()) as {
    data: { __type: { fields: { name: string; description: string }[] } };
  };
  return body.data.__type.fields.find((f) => f.name === 'provinceCode')!.description;
}

it('replacing the supergraph file and SIGHUP under load of 8 concurrent clients fail no request; new requests see the new schema', async () => {
  expect(await provinceCodeDescription()).toBe('Province code (mã tỉnh), 2 digits.');
  let running = true;
  let done = 0;
  const failures: string[] = [];
  const loops = Array.from({ length: LOOPS }, async () => {
    while (running) {
      const { status, body } = await citizen();
      if (status !== 200 || body.errors || body.data?.citizen?.fullName == null) {
        failures.push(`${status} ${JSON.stringify(body.errors ?? body.data)}`);
      }
      done++;
    }
  });
  try {
    await until(() => done >= 40, 'the load to start');
    await replace(join(dir, 'supergraph.graphql'), described('two digits'));
    await until(async () => (await reloads('all', 'applied')) === 1, 'the file change to be applied');
    const afterFirst = done;
    await until(() => done >= afterFirst + 40, 'requests after the first reload');

    await replace(join(dir, 'supergraph.graphql'), described('hai chữ số'));
    child.kill('SIGHUP');
    // The signal and the file's watch both reload: one applies the file, the other finds it unchanged.
    await until(
      async () =>
        (await reloads('all', 'applied')) === 2 &&
        logs.some((l) => l['trigger'] === 'SIGHUP' && String(l['msg']).startsWith('configuration reload')),
      'the SIGHUP reload',
    );
    const afterSecond = done;
    await until(() => done >= afterSecond + 40, 'requests after the second reload');
  } finally {
    running = false;
    await Promise.all(loops);
  }
  expect(failures).toEqual([]);
  expect(done).toBeGreaterThanOrEqual(120);
  expect(await provinceCodeDescription()).toBe('Province code (mã tỉnh), hai chữ số.');
  expect(logs.filter((l) => l['msg'] === 'configuration reload applied')).toHaveLength(2);
}, 180_000);

it('a bad supergraph is refused with a log line and a count, and the gateway keeps serving the old one', async () => {
  const refusedBefore = await reloads('supergraph', 'refused');
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const loaded = metrics.split('\n').find((l) => l.startsWith('lienthong_config_info{'));
  expect(loaded).toMatch(/^lienthong_config_info\{supergraph="[0-9a-f]{12}"[^}]*\} 1$/);

  await replace(join(dir, 'supergraph.graphql'), `${described('hai chữ số')}\ntype {`);
  await until(async () => (await reloads('supergraph', 'refused')) === refusedBefore + 1, 'the refusal');
  const refusal = logs.find((l) => l['msg'] === 'configuration reload refused');
  expect(refusal).toMatchObject({ level: 50, file: 'supergraph', path: join(dir, 'supergraph.graphql') });
  expect(String(refusal!['reason'])).toContain('Syntax Error');

  const answer = await citizen();
  expect(answer.status).toBe(200);
  expect(answer.body.errors).toBeUndefined();
  expect(answer.body.data?.citizen?.fullName).toEqual(expect.any(String));
  expect(await provinceCodeDescription()).toBe('Province code (mã tỉnh), hai chữ số.');
  const after = (await (await fetch(`${url}/metrics`)).text())
    .split('\n')
    .find((l) => l.startsWith('lienthong_config_info{'));
  expect(after).toBe(loaded);

  // Put right, it is applied again.
  const applied = await reloads('all', 'applied');
  await replace(join(dir, 'supergraph.graphql'), SUPERGRAPH);
  await until(async () => (await reloads('all', 'applied')) === applied + 1, 'the repaired supergraph');
  expect(await provinceCodeDescription()).toBe('Province code (mã tỉnh), 2 digits.');
}, 120_000);

it('a procedure registry reload narrows what the procedure may read for the requests after it', async () => {
  expect((await citizen()).body.data?.citizen?.fullName).toEqual(expect.any(String));
  const applied = await reloads('all', 'applied');
  const narrowed = PROCEDURES.map((p) =>
    p.code === ALL_READS_PROCEDURE ? { ...p, fields: p.fields!.filter((f) => f !== 'Citizen.fullName') } : p,
  );
  await replace(join(dir, 'procedures.json'), JSON.stringify(narrowed));
  await until(async () => (await reloads('all', 'applied')) === applied + 1, 'the registry reload');

  const answer = await citizen();
  expect(answer.status).toBe(200);
  // fullName is non-null: its denial nulls the citizen, as any denied non-null field does.
  expect(answer.body.data?.citizen ?? null).toBeNull();
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors![0]).toMatchObject({
    path: ['citizen', 'fullName'],
    extensions: { code: 'FORBIDDEN', reason: 'FIELD_NOT_NEEDED' },
  });

  await replace(join(dir, 'procedures.json'), JSON.stringify(PROCEDURES));
  await until(async () => (await reloads('all', 'applied')) === applied + 2, 'the registry restored');
  expect((await citizen()).body.data?.citizen?.fullName).toEqual(expect.any(String));
}, 120_000);

it('a client registry reload withdraws a right for the requests after it', async () => {
  expect((await citizen()).body.errors).toBeUndefined();
  const applied = await reloads('all', 'applied');
  const withdrawn = [{ ...CLIENTS[0], procedures: [] }];
  await replace(join(dir, 'clients.json'), JSON.stringify(withdrawn));
  await until(async () => (await reloads('all', 'applied')) === applied + 1, 'the client registry reload');

  const answer = await citizen();
  expect(answer.body.data?.citizen ?? null).toBeNull();
  expect(answer.body.errors?.[0]).toMatchObject({
    message: 'This client system may not invoke the procedure of X-Procedure-Code.',
    extensions: { code: 'PURPOSE_REQUIRED' },
  });

  // A client registry granting a procedure the registry lacks is refused; the withdrawal stays.
  const refused = await reloads('clients', 'refused');
  await replace(join(dir, 'clients.json'), JSON.stringify([{ ...CLIENTS[0], procedures: ['9.999999'] }]));
  await until(async () => (await reloads('clients', 'refused')) === refused + 1, 'the refusal');
  expect((await citizen()).body.errors?.[0]?.extensions?.code).toBe('PURPOSE_REQUIRED');

  await replace(join(dir, 'clients.json'), JSON.stringify(CLIENTS));
  await until(async () => (await reloads('all', 'applied')) === applied + 2, 'the client registry restored');
  expect((await citizen()).body.errors).toBeUndefined();
}, 120_000);

it('removing a field under load: each request is answered whole under the old schema or refused whole under the new, never a mix', async () => {
  const applied = await reloads('all', 'applied');
  const query = 'id permanentResidence { provinceCode }';
  let running = true;
  const kinds: ('old' | 'new')[][] = Array.from({ length: LOOPS }, () => []);
  const mixed: string[] = [];
  const loops = kinds.map(async (seen) => {
    while (running) {
      const { status, body } = await citizen(query);
      const province = (body.data?.citizen as { permanentResidence?: { provinceCode?: unknown } } | undefined)
        ?.permanentResidence?.provinceCode;
      if (status === 200 && !body.errors && typeof province === 'string') seen.push('old');
      // Apollo Server's validation against the new schema (masked as BAD_USER_INPUT).
      else if (
        status === 400 &&
        body.errors?.length === 1 &&
        body.errors[0]!.extensions?.code === 'BAD_USER_INPUT' &&
        body.errors[0]!.message === 'Cannot query field "provinceCode" on type "Address".'
      )
        seen.push('new');
      else mixed.push(`${status} ${JSON.stringify(body)}`);
    }
  });
  const count = (kind: 'old' | 'new') => kinds.flat().filter((k) => k === kind).length;
  try {
    await until(() => count('old') >= 40 || mixed.length > 0, 'answers under the old schema');
    expect(mixed.slice(0, 1)).toEqual([]);
    await replace(
      join(dir, 'supergraph.graphql'),
      SUPERGRAPH.replace(`  ${PROVINCE_CODE}\n  provinceCode: String!\n`, ''),
    );
    await until(async () => (await reloads('all', 'applied')) === applied + 1, 'the reload');
    await until(() => count('new') >= 40 || mixed.length > 0, 'answers under the new schema');
    expect(mixed.slice(0, 1)).toEqual([]);
  } finally {
    running = false;
    await Promise.all(loops);
  }
  expect(mixed).toEqual([]);
  // A loop's next request starts after its last answer: once one came from the new set, all do.
  for (const seen of kinds) {
    const first = seen.indexOf('new');
    if (first >= 0) expect(seen.slice(first).every((k) => k === 'new')).toBe(true);
  }
}, 180_000);
