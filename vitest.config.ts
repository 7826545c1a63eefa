import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: keep the worker count bounded so the embedded Postgres is not starved.
    maxWorkers: 2,
    pool: 'forks',
  },
});
