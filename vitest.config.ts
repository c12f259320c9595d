import { defineConfig } from 'vitest/config';

export default defineConfig({
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
