// The memory run end to end on a small server of the test's own, with 3-second "minutes": the load
// process sends at its rate for the whole run, the server's RSS is sampled in every minute, and the
// verdict comes from the per-minute medians.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryRun } from '../../bench/memory.ts';
import { freePort, startProcess } from '../../bench/processes.ts';
import { buildWorkload } from '../../bench/workload.ts';

const dir = await mkdtemp(join(tmpdir(), 'lienthong-memory-test-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('memory run', () => {
  it('drives the gateway at its rate for the whole run and reports a median RSS for every minute', async () => {
    const port = await freePort();
    await using server = await startProcess({
      name: 'memory-test-server',
      args: [
        '-e',
        `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('{"data":{}}')); }).listen(${port}, '127.0.0.1')`,
      ],
      env: process.env,
      logDir: dir,
      readyUrls: [`http://127.0.0.1:${port}/`],
    });
    const requests = buildWorkload({ poolSize: 50, requests: 100, seed: 'memory-test' });
    const file = join(dir, 'workload.json');
    await writeFile(file, JSON.stringify(requests));
    const result = await memoryRun({
      target: {
        spec: { name: 'test' },
        graphqlUrl: `http://127.0.0.1:${port}/graphql`,
        process: server,
        workers: 1,
      },
      workload: { name: 'day', file, requests },
      tokens: ['t'],
      rate: 20,
      minutes: 2,
      minuteSeconds: 3,
      log: () => {},
    });
    expect(result.load.sent).toBe(120);
    expect(result.load.ok).toBe(120);
    expect(result.medianRssMbPerMinute).toHaveLength(2);
    for (const mb of result.medianRssMbPerMinute) expect(mb).toBeGreaterThan(0);
    expect(['flat', 'growing']).toContain(result.verdict);
  }, 60_000);
});
