// Builds the IDE served at /graphiql (gateway/src/graphiql/) into dist/graphiql/: GraphiQL, React and
// Monaco bundled with esbuild into one script, one stylesheet and Monaco's three workers, so the page
// loads nothing from another origin. `npm install` runs it (the `prepare` script); run it again with
// `npm run build:graphiql` after changing the IDE's source.
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const GRAPHIQL_DIST = fileURLToPath(new URL('../dist/graphiql/', import.meta.url));

const shared = {
  bundle: true,
  minify: true,
  legalComments: 'linked',
  target: 'es2022',
  logLevel: 'warning',
  outdir: GRAPHIQL_DIST,
  define: { 'process.env.NODE_ENV': '"production"' },
} as const;

export async function buildGraphiql(): Promise<void> {
  await rm(GRAPHIQL_DIST, { recursive: true, force: true });
  await Promise.all([
    build({
      ...shared,
      entryPoints: {
        ide: fileURLToPath(new URL('../gateway/src/graphiql/browser/ide.tsx', import.meta.url)),
      },
      format: 'esm',
      jsx: 'automatic',
      // Fonts small enough to inline arrive as data: URLs; Monaco's icon font becomes a file beside the CSS.
      loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
    }),
    build({
      ...shared,
      entryPoints: {
        'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
        'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
        'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
      },
      format: 'iife',
    }),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildGraphiql();
