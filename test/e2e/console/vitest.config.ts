import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser`: the console in Debian's Chromium against a real `ai-ops start` (global-setup.ts).
 * Not part of `npm test`, which must pass on a machine without Chromium; `.ci/run` runs both.
 */
export default defineConfig({
  test: {
    root: new URL('../../..', import.meta.url).pathname,
    include: ['test/e2e/console/**/*.spec.ts'],
    globalSetup: ['test/e2e/console/global-setup.ts'],
    // Generous: a page-by-page sweep on two shared cores.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // One browser at a time on two shared cores; the specs share one server.
    fileParallelism: false,
    pool: 'forks',
  },
});
