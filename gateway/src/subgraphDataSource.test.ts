import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../lib/internalToken.ts';
import { generateSigningJwk, signingKeyFromJwk } from '../../lib/keys.ts';
import { silentLogger } from '../../lib/logger.ts';
import type { GatewayContext } from './context.ts';
import { SubgraphDataSource } from './subgraphDataSource.ts';

let requests = 0;
const server = createServer((req, res) => {
  requests++;
  req.resume();
  // Answer late enough that concurrent requests overlap.
  setTimeout(() => res.end(JSON.stringify({ data: { citizen: { id: '1' } } })), 30);
});
const dispatcher = new Agent();
let source: SubgraphDataSource;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  source = new SubgraphDataSource({
    name: 'population',
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    dispatcher,
    signingKey: await signingKeyFromJwk(await generateSigningJwk('EdDSA', 'k')),
    logger: silentLogger(),
    entityKeys: new Map([['Citizen', ['id']]]),
  });
});
afterAll(async () => {
  await dispatcher.close();
  await new Promise((resolve) => server.close(resolve));
});

function call(query: string, caller: Partial<Caller> = {}) {
  const context = {
    requestId: 'r',
    deadline: Date.now() + 5_000,
    sourcesTouched: new Set(),
    resolution: {
      caller: { clientId: 'c', scopes: ['population:read'], dossierId: 'd1', requestId: 'r', ...caller },
    },
  } as unknown as GatewayContext;
  return source.process({
    request: { query },
    context,
  } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);
}

describe('SubgraphDataSource in-flight sharing', () => {
  it('sends one request for identical concurrent reads of the same principal and purpose', async () => {
    requests = 0;
    const answers = await Promise.all([call('query { citizen { id } }'), call('query { citizen { id } }')]);
    expect(requests).toBe(1);
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).not.toBe(answers[1]);
  });

  it('never joins reads of another dossier, client or scope set', async () => {
    requests = 0;
    await Promise.all([
      call('query { citizen { id } }'),
      call('query { citizen { id } }', { dossierId: 'd2' }),
      call('query { citizen { id } }', { clientId: 'other' }),
      call('query { citizen { id } }', { scopes: ['population:read', 'business:read'] }),
    ]);
    expect(requests).toBe(4);
  });

  it('never joins writes', async () => {
    requests = 0;
    await Promise.all([call('mutation { revoke }'), call('mutation { revoke }')]);
    expect(requests).toBe(2);
  });
});
