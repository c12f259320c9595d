// GET /graphiql: the IDE bundled at install time (scripts/buildGraphiql.ts → dist/graphiql/). Every
// asset comes from this origin and the CSP says so, so the page works on a closed network and nothing
// injected can load or send anywhere else. Served in dev mode or with GRAPHIQL=1 only.
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build:graphiql` writes the bundle. */
export const GRAPHIQL_DIST = fileURLToPath(new URL('../../../dist/graphiql/', import.meta.url));

export const GRAPHIQL_PATH = '/graphiql';
const ASSETS = `${GRAPHIQL_PATH}/assets/`;

export const GRAPHIQL_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // Monaco's language services run in workers built beside the page's script.
  "worker-src 'self'",
  // Monaco and GraphiQL write <style> elements at run time; styles only, never scripts.
  "style-src 'self' 'unsafe-inline'",
  // GraphiQL's fonts are inlined into its stylesheet as data: URLs.
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': GRAPHIQL_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lienthong · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSETS}ide.css">
<script type="module" src="${ASSETS}ide.js"></script>
</head>
<body><div id="graphiql"></div></body>
</html>
`;

export type GraphiqlHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * Serves the page and the bundle's files by name (the listing is read once, so no path from the URL
 * ever reaches the file system). Without a bundle the route says how to build it instead of a 404.
 */
export async function createGraphiqlHandler(dist = GRAPHIQL_DIST): Promise<GraphiqlHandler> {
  const files = new Set(await readdir(dist).catch(() => [] as string[]));
  const built = files.has('ide.js');
  return async (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (path !== GRAPHIQL_PATH && !path.startsWith(`${GRAPHIQL_PATH}/`)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', { allow: 'GET, HEAD' });
      return true;
    }
    if (!built) {
      send(res, 503, 'text/plain; charset=utf-8', 'GraphiQL is not built: run `npm run build:graphiql`.\n');
      return true;
    }
    if (path === GRAPHIQL_PATH || path === `${GRAPHIQL_PATH}/`) {
      send(res, 200, 'text/html; charset=utf-8', PAGE, { 'cache-control': 'no-cache' });
      return true;
    }
    const name = path.startsWith(ASSETS) ? path.slice(ASSETS.length) : '';
    const type = TYPES[extname(name)];
    if (!files.has(name) || !type) {
      send(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
      return true;
    }
    send(res, 200, type, await readFile(join(dist, name)), { 'cache-control': 'no-cache' });
    return true;
  };
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
