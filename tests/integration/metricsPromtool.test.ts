// Every process's /metrics passes Prometheus's own checker (`promtool check metrics`: exposition
// format and naming rules) after real traffic, and METRICS_PORT moves the gateway's /metrics off the
// port clients use. promtool comes from Debian's `prometheus` package (.ci/run installs it).
import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCES } from '../../lib/topology.ts';
import { FIXTURES } from '../../mocks/fixtures.ts';
import { type Stack, startStack } from '../support/stack.ts';

const promtool = (() => {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ gatewayEnv: { METRICS_PORT: '0' } });
  const token = await stack.token('population:read business:read insurance:read land:read results:read');
  await stack.query(
    'query($id: ID!) { citizen(id: $id) { fullName socialInsurance { code } enterprises { code } landCertificates { serial } issuedResults { code } } }',
    { id: FIXTURES.husband },
    { token },
  );
  await stack.query('{ citizen(id: "1") { fullName } }', {}, { token: null });
});
afterAll(async () => {
  await stack?.[Symbol.asyncDispose]();
});

/** Runs `promtool check metrics` over the text; returns its exit code and complaints. */
async function check(text: string): Promise<{ code: number | null; output: string }> {
  const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stdin.end(text);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

describe.skipIf(!promtool)('promtool check metrics', () => {
  it('passes on the gateway, every subgraph and every mock national database', async () => {
    const endpoints: Record<string, string> = { gateway: `${stack.gateway.metricsUrl}/metrics` };
    for (const s of SOURCES) {
      endpoints[`subgraph-${s}`] = `${stack.subgraphs[s].baseUrl}/metrics`;
      endpoints[`mock-${s}`] = `${stack.mocks[s].url}/metrics`;
    }
    const results: Record<string, string> = {};
    for (const [name, url] of Object.entries(endpoints)) {
      const text = await (await fetch(url)).text();
      expect(text).toContain('lienthong_');
      const { code, output } = await check(text);
      results[name] = code === 0 ? 'clean' : output.trim();
    }
    expect(results).toEqual(Object.fromEntries(Object.keys(endpoints).map((name) => [name, 'clean'])));
  });

  it('catches a gauge named like a counter (the checker is really run)', async () => {
    const { code, output } = await check('# HELP x_total A gauge.\n# TYPE x_total gauge\nx_total 1\n');
    expect(code).not.toBe(0);
    expect(output).toContain('non-counter metrics should not have "_total" suffix');
  });
});

describe('METRICS_PORT', () => {
  it("serves /metrics on its own listener and no longer on the clients' port", async () => {
    expect(stack.gateway.metricsUrl).toBeDefined();
    expect(stack.gateway.metricsUrl).not.toBe(stack.gateway.url);
    const scraped = await fetch(`${stack.gateway.metricsUrl}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(
      /lienthong_graphql_requests_total\{outcome="ok",component="gateway"\} 1/,
    );
    const publicPort = await fetch(`${stack.gateway.url}/metrics`);
    expect(publicPort.status).toBe(404);
    expect(await publicPort.text()).not.toContain('lienthong_');
  });
});
