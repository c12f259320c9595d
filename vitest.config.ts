import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql ships CommonJS (main) and ESM (module) builds. Node resolves both our imports and the
  // Apollo packages' requires to the CommonJS one; Vite's resolver would pick the ESM one for our
  // imports, giving two graphql instances ("from another module or realm") in tests only.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: [
      'lib/**/*.test.ts',
      'gateway/**/*.test.ts',
      'subgraphs/**/*.test.ts',
      'mocks/**/*.test.ts',
      'scripts/**/*.test.ts',
      'tests/**/*.test.ts',
    ],
    // Integration tests start real servers and talk to the machine's Redis and PostgreSQL:
    // give them room, but never retry (a retry would hide a flake).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    retry: 0,
    pool: 'forks',
  },
});
