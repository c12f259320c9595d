// The benchmark's load generator against a local server whose answers the test controls: open loop
// keeps sending at its rate while nothing is answered, and charges the wait from each request's
// intended send time; closed loop never has more requests outstanding than its connections; requests
// go in order from the offset, wrapping around; answers are sorted into ok, GraphQL errors and non-2xx.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type PreparedRequest, runLoad } from '../../bench/loadGenerator.ts';

type Handler = (body: string, res: ServerResponse, req: IncomingMessage) => void;

let server: Server | undefined;

async function serve(handler: Handler): Promise<string> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(Buffer.concat(chunks).toString(), res, req));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

const requests = (...names: string[]): PreparedRequest[] =>
  names.map((name) => ({ headers: { 'content-type': 'application/json' }, body: name }));

const answer = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
};

describe('open-loop load generator', () => {
  it('keeps sending at its rate while the server answers nothing, and charges the stall from each intended send time', async () => {
    const held: ServerResponse[] = [];
    const url = await serve((_body, res) => {
      held.push(res);
      // Nothing is answered until the 50th request, due at 980 ms, has arrived.
      if (held.length === 50) for (const r of held) answer(r, 200, '{"data":{}}');
    });
    const result = await runLoad({
      url,
      requests: requests('{}'),
      mode: 'open',
      rate: 50,
      durationSeconds: 1,
      connections: 64,
    });
    // A closed loop would have waited for answers and sent far fewer.
    expect(result.sent).toBe(50);
    expect(result.ok).toBe(50);
    expect(result.timeouts + result.errors + result.non2xx).toBe(0);
    // The first request was due at 0 ms and answered only after the 50th (due at 980 ms) arrived;
    // the median one was due near 500 ms. HDR buckets round down by less than 0.1%.
    expect(result.maxMs).toBeGreaterThanOrEqual(979);
    expect(result.p50Ms).toBeGreaterThanOrEqual(0.999 * (980 - 25 * 20));
  });

  it('refuses an open loop without a rate', async () => {
    await expect(
      runLoad({
        url: 'http://127.0.0.1:9/',
        requests: requests('{}'),
        mode: 'open',
        connections: 1,
        durationSeconds: 1,
      }),
    ).rejects.toThrow(/rate/);
  });
});

describe('closed-loop load generator', () => {
  it('never has more requests outstanding than its connections, and sorts the answers', async () => {
    let outstanding = 0;
    let most = 0;
    let n = 0;
    const url = await serve((_body, res) => {
      outstanding++;
      most = Math.max(most, outstanding);
      const kind = n++ % 3;
      setImmediate(() => {
        outstanding--;
        if (kind === 0) answer(res, 200, '{"data":{"x":1}}');
        else if (kind === 1)
          answer(res, 200, '{"data":null,"errors":[{"message":"no","extensions":{"code":"FORBIDDEN"}}]}');
        else answer(res, 503, '{"errors":[{"message":"busy"}]}');
      });
    });
    const result = await runLoad({
      url,
      requests: requests('{}'),
      mode: 'closed',
      connections: 4,
      durationSeconds: 0.5,
    });
    expect(most).toBeLessThanOrEqual(4);
    expect(result.sent).toBe(n);
    expect(result.ok + result.graphqlErrors + result.non2xx).toBe(n);
    expect(result.ok).toBe(Math.ceil(n / 3));
    expect(result.graphqlErrors).toBe(Math.ceil((n - 1) / 3));
    expect(result.graphqlErrorCodes).toEqual({ FORBIDDEN: result.graphqlErrors });
    expect(result.non2xx).toBe(Math.floor(n / 3));
  });

  it('sends the requests in order from the offset, wrapping around, and says where to go on', async () => {
    const seen: string[] = [];
    const url = await serve((body, res) => {
      seen.push(body);
      answer(res, 200, '{"data":{}}');
    });
    const result = await runLoad({
      url,
      requests: requests('a', 'b', 'c'),
      mode: 'closed',
      connections: 1,
      durationSeconds: 0.3,
      offset: 1,
    });
    expect(seen.length).toBe(result.sent);
    expect(seen.length).toBeGreaterThan(3);
    seen.forEach((body, i) => {
      expect(body).toBe(['b', 'c', 'a'][i % 3]);
    });
    expect(result.nextOffset).toBe((1 + result.sent) % 3);
  });
});
