// Peer (c): bare @apollo/gateway on Apollo Server's standalone server, nothing added. It reaches the
// subgraphs with the benchmark's internal tokens (peerTokens.ts).
// env: PORT, SUPERGRAPH_FILE (security features stripped), SUBGRAPH_URLS, INTERNAL_SIGNING_KEY_FILE.
import { readFile } from 'node:fs/promises';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { parseSubgraphUrls, startPeerTokens } from './peerTokens.ts';

const urls = parseSubgraphUrls(process.env['SUBGRAPH_URLS'] ?? '');
const tokens = await startPeerTokens(process.env['INTERNAL_SIGNING_KEY_FILE'] ?? '', Object.keys(urls));
process.env['APOLLO_TELEMETRY_DISABLED'] = '1';

const gateway = new ApolloGateway({
  supergraphSdl: await readFile(process.env['SUPERGRAPH_FILE'] ?? '', 'utf8'),
  buildService: ({ name, url }) =>
    new RemoteGraphQLDataSource({
      url: urls[name] ?? url,
      willSendRequest: ({ request }) => {
        request.http?.headers.set('authorization', tokens.header(name));
      },
    }),
});
const server = new ApolloServer({ gateway, csrfPrevention: false });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env['PORT']), host: '127.0.0.1' },
});
process.stdout.write(`apollo-gateway ready at ${url}\n`);

const stop = async () => {
  tokens.stop();
  await server.stop();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
