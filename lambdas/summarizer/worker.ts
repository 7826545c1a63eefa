/**
 * The summarizer worker: summarize-log jobs from its queue → template mining → (with a model configured and
 * the flag on for the job's owner) a model's refinement from the digest → summary stored on the entry. An
 * uploaded log (createLogUpload) is streamed from its object instead of read from the entry.
 */
import { createFeatureFlagRepo } from '../adapters/db/feature-flag-repo.ts';
import { createLogEntryRepo } from '../adapters/db/log-entry-repo.ts';
import { llmAccess, llmSetup } from '../adapters/llm/llm-from-config.ts';
import { logObjectsFromConfig } from '../adapters/storage/uploads-from-config.ts';
import { summarizeLog } from '../core/jobs/kinds/summarize-log/definition.ts';
import { runSummarizeLog } from '../core/jobs/kinds/summarize-log/run.ts';
import { llmRefineSummary } from '../core/llm/log-summarizer.ts';
import { logger, metrics } from '../shared/observability.ts';
import type { JobWorkerHandler } from '../shared/sqs-worker.ts';
import { createWorkerHandler, type WorkerConfig } from '../workers/runtime.ts';
import { createLocalSummarizer, createStreamSummarizer } from './local-summarizer.ts';
import { withUploadJobs } from './upload-events.ts';

export function createWorker(config: WorkerConfig): JobWorkerHandler {
  const llm = llmSetup(config.llm, { metrics, log: logger });
  const network = config.redaction.NETWORK_REDACTION;
  const localSummarizer = createLocalSummarizer(network);
  const uploads = { open: logObjectsFromConfig(config.uploads), summarize: createStreamSummarizer(network) };
  const worker = createWorkerHandler(summarizeLog.kind, config, (connection) => {
    const logEntries = createLogEntryRepo(connection.db);
    const { access } = llmAccess(llm, createFeatureFlagRepo(connection.db));
    // A model failure never fails the job: the refinement falls back to the miner's result.
    const refine = access.client
      ? llmRefineSummary(access, {
          maxPromptTokens: llm.config.LLM_MAX_PROMPT_TOKENS,
          jobTokenBudget: llm.config.LLM_JOB_TOKEN_BUDGET,
          maxAnswerTokens: llm.config.LLM_MAX_ANSWER_TOKENS,
        })
      : undefined;
    const deps = refine
      ? { logEntries, summarize: localSummarizer, uploads, refine }
      : { logEntries, summarize: localSummarizer, uploads };
    return (job) => runSummarizeLog(deps, job);
  });
  // Uploaded logs arrive as S3 notifications on this queue (AWS); they name their job in the object key.
  return async (event, context) => {
    const jobs = withUploadJobs(event);
    return jobs.Records.length > 0 ? worker(jobs, context) : { batchItemFailures: [] };
  };
}
