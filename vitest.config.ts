import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two cores: keep the worker count bounded so the embedded Postgres is not starved.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          // Each file gets a TMPDIR of its own and fails if it leaves anything there (test/support/temp-dir.ts).
          setupFiles: ['test/support/temp-sandbox.ts'],
          testTimeout: 30_000,
          // EMF lines and INFO logs from the handlers would drown the test report; tests that check metrics inject a sink.
          env: { POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' },
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      // The console's component tests (jsdom); the browser tests run apart (npm run test:browser).
      'web/vitest.config.ts',
    ],
  },
});
