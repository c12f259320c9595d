// Peer (d): Hive Gateway (@graphql-hive/gateway's runtime on node:http), with its own JWT plugin
// verifying the same client token lienthong verifies. It reaches the subgraphs with the benchmark's
// internal tokens (peerTokens.ts), set on each outgoing fetch by the subgraph's URL.
// env: PORT, SUPERGRAPH_FILE (security features stripped), SUBGRAPH_URLS, INTERNAL_SIGNING_KEY_FILE,
// CLIENT_PUBLIC_KEY_PEM_FILE, AUTH_ISSUER, AUTH_AUDIENCE; HIVE_JWT=0 leaves the JWT plugin out;
// HIVE_ROUTER_RUNTIME=1 plans and executes with the Rust query planner (@graphql-hive/router-runtime's
// unifiedGraphHandler, what `hive-gateway --hive-router-runtime` does).
// Production settings, as Hive Gateway's documentation recommends them: logging off (here) or at warn,
// no landing page or GraphiQL, upstream request deduplication and the parse/validate/plan caches on
// (their defaults), one process per core (the 2-worker rows).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import {
  createGatewayRuntime,
  createInlineSigningKeyProvider,
  type GatewayPlugin,
  useJWT,
} from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { parseSubgraphUrls, startPeerTokens } from './peerTokens.ts';

const urls = parseSubgraphUrls(process.env['SUBGRAPH_URLS'] ?? '');
const tokens = await startPeerTokens(process.env['INTERNAL_SIGNING_KEY_FILE'] ?? '', Object.keys(urls));
const subgraphByOrigin = new Map(Object.entries(urls).map(([name, url]) => [new URL(url).origin, name]));
const supergraph = (await readFile(process.env['SUPERGRAPH_FILE'] ?? '', 'utf8')).replace(
  /@join__graph\(name: "([a-z]+)", url: "[^"]*"\)/g,
  (whole, name: string) => (urls[name] ? `@join__graph(name: "${name}", url: "${urls[name]}")` : whole),
);
const withJwt = process.env['HIVE_JWT'] !== '0';
const publicKeyPem = withJwt ? await readFile(process.env['CLIENT_PUBLIC_KEY_PEM_FILE'] ?? '', 'utf8') : '';

const internalTokenPlugin: GatewayPlugin = {
  onFetch({ url, options, setOptions }) {
    const name = subgraphByOrigin.get(new URL(url).origin);
    if (!name) return;
    setOptions({
      ...options,
      headers: { ...(options.headers as Record<string, string>), authorization: tokens.header(name) },
    });
  },
};

const gateway = createGatewayRuntime({
  supergraph,
  logging: false,
  graphqlEndpoint: '/graphql',
  landingPage: false,
  graphiql: false,
  ...(process.env['HIVE_ROUTER_RUNTIME'] === '1' ? { unifiedGraphHandler } : {}),
  plugins: () => [
    ...(withJwt
      ? [
          useJWT({
            signingKeyProviders: [createInlineSigningKeyProvider(publicKeyPem)],
            tokenVerification: {
              algorithms: ['ES256'],
              issuer: process.env['AUTH_ISSUER'],
              audience: process.env['AUTH_AUDIENCE'],
            },
            reject: { missingToken: true, invalidToken: true },
            // The plugin's context type is narrower than the runtime's plugin list admits.
          }) as unknown as GatewayPlugin,
        ]
      : []),
    internalTokenPlugin,
  ],
});
const server = createServer(gateway);
await new Promise<void>((resolve) => server.listen(Number(process.env['PORT']), '127.0.0.1', resolve));
process.stdout.write('hive-gateway ready\n');

const stop = async () => {
  tokens.stop();
  await new Promise((resolve) => server.close(resolve));
  await gateway.dispose();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
