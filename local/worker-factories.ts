/**
 * Each job kind's worker factory, through a literal `import()` so that the CLI bundle (scripts/build-cli.mjs)
 * holds it: a path read from the registry could not be bundled. A kind without its worker here does not
 * compile. Only the worker threads (local/worker-thread.ts) load these modules; the API's thread never does.
 */
import type { JobKind } from '../lambdas/core/jobs/registry.ts';
import type { WorkerFactoryModule } from '../lambdas/workers/runtime.ts';

export const WORKER_FACTORIES: Readonly<Record<JobKind, () => Promise<WorkerFactoryModule>>> = {
  'summarize-log': () => import('../lambdas/summarizer/worker.ts'),
  'triage-ticket': () => import('../lambdas/triage/worker.ts'),
};
