import { defineJobKind, MAX_RECEIVE_COUNT } from '../../kind.ts';

/**
 * What the longest record may take: a 1 GiB upload, about 2.5 minutes of one vCPU (docs/deploy.md: bench:upload
 * 126 s, 156 s through the local path, on a shared machine), with a margin. Records of a batch run one after
 * another, each with an even share of the invocation (lambdas/shared/deadline.ts), so the batch size and timeout
 * must leave the first record at least this; an upload that outlives its share fails the attempt.
 */
export const LARGEST_UPLOAD_SECONDS = 240;

/**
 * Log summaries. A summary may wait on a model or read a 1 GiB upload, hence the long timeout and one record
 * per invocation. A model call gets at most LLM_CALL_BUDGET_MS and never more than its record's share of the
 * invocation's remaining time (lambdas/shared/deadline.ts), so no call outlives the function.
 */
export const summarizeLog = defineJobKind({
  kind: 'summarize-log',
  description: 'Summarizes a submitted log: template mining, then optionally a model over the digest',
  queue: {
    name: 'summarize',
    // One record per invocation: records of a batch run one after another, so a batch adds nothing to
    // throughput, and with 5 the first record's share (119 s) was less than a 1 GiB upload needs.
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
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
