import { defineJobKind, MAX_RECEIVE_COUNT } from '../../kind.ts';

/**
 * Log summaries. A summary may wait on a model, hence the longer timeout and smaller batches. A model call
 * gets at most LLM_CALL_BUDGET_MS and never more than its record's share of the invocation's remaining time
 * (lambdas/shared/deadline.ts), so no call outlives the function; a batch that meets a provider outage pays
 * one budget, then falls back at once.
 */
export const summarizeLog = defineJobKind({
  kind: 'summarize-log',
  description: 'Summarizes a submitted log: template mining, then optionally a model over the digest',
  queue: {
    name: 'summarize',
    batchSize: 5,
    maxBatchingWindowSeconds: 2,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    maxConcurrency: 10,
  },
  worker: {
    entry: 'lambdas/summarizer/handler.ts',
    // An uploaded log of 1 GiB takes about two minutes of one vCPU (docs/deploy.md): 1769 MB is one vCPU.
    timeoutSeconds: 600,
    memorySize: 1769,
    environment: { LLM_TIMEOUT_MS: '25000', LLM_CALL_BUDGET_MS: '40000' },
  },
});
