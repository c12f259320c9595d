// mocks/main.ts as a process: a bad configuration stops it with one line per variable; a good one
// serves until SIGTERM, then exits cleanly.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

function run(args: string[], env: Record<string, string>): ChildProcess {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('MOCK_') && k !== 'UPSTREAM_API_KEY' && k !== 'LIENTHONG_DEV',
    ),
  );
  return spawn(NODE, ['mocks/main.ts', ...args], { cwd: ROOT, env: { ...clean, ...env }, stdio: 'pipe' });
}

async function collect(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

describe('mocks/main.ts', () => {
  it('exits 78 naming every bad variable', async () => {
    const child = run(['all'], { MOCK_ERROR_RATE: '2', POPULATION_MOCK_PORT: 'x' });
    const { code, stderr } = await collect(child);
    expect(code).toBe(78);
    for (const name of [
      'UPSTREAM_API_KEY',
      'MOCK_ERROR_RATE',
      'POPULATION_MOCK_PORT',
      'RESULTS_REGISTRY_KEY_FILE',
    ])
      expect(stderr).toContain(name);
  });

  it('exits 64 with the usage for an unknown source', async () => {
    const { code, stderr } = await collect(run(['nope'], {}));
    expect(code).toBe(64);
    expect(stderr).toContain('usage');
  });

  it('serves one source with the dev key and stops on SIGTERM', async () => {
    const child = run(['population'], { LIENTHONG_DEV: '1', POPULATION_MOCK_PORT: '0', LOG_LEVEL: 'info' });
    try {
      let out = '';
      while (!out.includes('listening')) {
        const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
        out += chunk.toString();
      }
      const url = /"url":"([^"]+)"/.exec(out)![1]!;
      const res = await fetch(`${url}/api/v1/cong-dan/tra-cuu`, {
        method: 'POST',
        headers: { authorization: 'Bearer dev-upstream-key' },
        body: JSON.stringify({ soDinhDanh: ['092080033642'] }),
      });
      expect(res.status).toBe(200);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
