import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    // EMF lines and INFO logs from the handlers would drown the test report; tests that check metrics inject a sink.
    env: { POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    hookTimeout: 120_000,
    // Two cores: keep the worker count bounded so the embedded Postgres is not starved.
    maxWorkers: 2,
    pool: 'forks',
  },
});
