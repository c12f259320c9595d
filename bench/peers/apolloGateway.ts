// Peer (c): bare @apollo/gateway on Apollo Server's standalone server, nothing added. It reaches the
// subgraphs with the benchmark's internal tokens (peerTokens.ts).
// env: PORT, SUPERGRAPH_FILE (security features stripped), SUBGRAPH_URLS, INTERNAL_SIGNING_KEY_FILE;
// CAPTURE_FILE: also appends, per request, the subgraph requests its query plan made (one JSON line of
// stages: the requests sent while the same number of earlier ones had been answered run together),
// which the "physical limit" row replays straight to the subgraphs (bench/direct.ts).
// Settings: telemetry off; query plan and parsed-document caches at their defaults, as Apollo
// recommends for production.
import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { CapturedCall } from '../direct.ts';
import { parseSubgraphUrls, startPeerTokens } from './peerTokens.ts';

const urls = parseSubgraphUrls(process.env['SUBGRAPH_URLS'] ?? '');
const tokens = await startPeerTokens(process.env['INTERNAL_SIGNING_KEY_FILE'] ?? '', Object.keys(urls));
process.env['APOLLO_TELEMETRY_DISABLED'] = '1';
const captureFile = process.env['CAPTURE_FILE'];

interface Context {
  readonly calls: (CapturedCall & { stage: number })[];
  answered: number;
}

const gateway = new ApolloGateway({
  supergraphSdl: await readFile(process.env['SUPERGRAPH_FILE'] ?? '', 'utf8'),
  buildService: ({ name, url }) =>
    new RemoteGraphQLDataSource<Context>({
      url: urls[name] ?? url,
      willSendRequest: ({ request, context }) => {
        request.http?.headers.set('authorization', tokens.header(name));
        if (captureFile && context.calls) {
          context.calls.push({
            subgraph: name,
            body: JSON.stringify({ query: request.query, variables: request.variables ?? {} }),
            stage: context.answered,
          });
        }
      },
      didReceiveResponse: ({ response, context }) => {
        if (captureFile && context.calls) context.answered++;
        return response;
      },
    }),
});
const server = new ApolloServer<Context>({
  gateway,
  csrfPrevention: false,
  plugins: captureFile
    ? [
        {
          requestDidStart: async () => ({
            willSendResponse: async ({ contextValue }) => {
              const stages = new Map<number, CapturedCall[]>();
              for (const { stage, ...call } of contextValue.calls) {
                stages.set(stage, [...(stages.get(stage) ?? []), call]);
              }
              appendFileSync(captureFile, `${JSON.stringify([...stages.values()])}\n`);
            },
          }),
        },
      ]
    : [],
});
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env['PORT']), host: '127.0.0.1' },
  context: async () => ({ calls: [], answered: 0 }),
});
process.stdout.write(`apollo-gateway ready at ${url}\n`);

const stop = async () => {
  tokens.stop();
  await server.stop();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
