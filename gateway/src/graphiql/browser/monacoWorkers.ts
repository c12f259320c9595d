// Monaco runs its language services in web workers. The build (scripts/buildGraphiql.ts) bundles each
// worker to its own file served beside this script, so the page needs no CDN and the CSP can stay at
// worker-src 'self'.
const WORKERS: Readonly<Record<string, string>> = {
  json: 'json.worker.js',
  graphql: 'graphql.worker.js',
};

(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return new Worker(new URL(WORKERS[label] ?? 'editor.worker.js', import.meta.url));
  },
};
