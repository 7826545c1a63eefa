import { defineConfig } from 'vitest/config';

/**
 * The fault suite (issue 13; `npm run test:fault`, run by .ci/run): each file starts the real local stack as a
 * child process (`ai-ops start`), breaks something (stops its database, kills it, poisons a job, attacks it)
 * and asserts what the system promises. Files run one at a time: they measure answer times on a small machine.
 */
export default defineConfig({
  test: {
    name: 'fault',
    include: ['test/fault/**/*.fault.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 120_000,
    env: { POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' },
  },
});
