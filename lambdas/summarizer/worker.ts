/**
 * The summarizer worker: summarize-log jobs from its queue → template mining → (with a model configured and
 * the flag on for the job's owner) a model's refinement from the digest → summary stored on the entry.
 */
import { createFeatureFlagRepo } from '../adapters/db/feature-flag-repo.ts';
import { createLogEntryRepo } from '../adapters/db/log-entry-repo.ts';
import { llmAccess, llmSetup } from '../adapters/llm/llm-from-config.ts';
import { summarizeLog } from '../core/jobs/kinds/summarize-log/definition.ts';
import { runSummarizeLog } from '../core/jobs/kinds/summarize-log/run.ts';
import { llmRefineSummary } from '../core/llm/log-summarizer.ts';
import { logger, metrics } from '../shared/observability.ts';
import type { JobWorkerHandler } from '../shared/sqs-worker.ts';
import { createWorkerHandler, type WorkerConfig } from '../workers/runtime.ts';
import { createLocalSummarizer } from './local-summarizer.ts';

export function createWorker(config: WorkerConfig): JobWorkerHandler {
  const llm = llmSetup(config.llm, { metrics, log: logger });
  const localSummarizer = createLocalSummarizer(config.redaction.NETWORK_REDACTION);
  return createWorkerHandler(summarizeLog.kind, config, (connection) => {
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
      ? { logEntries, summarize: localSummarizer, refine }
      : { logEntries, summarize: localSummarizer };
    return (job) => runSummarizeLog(deps, job);
  });
}
