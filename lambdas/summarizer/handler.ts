/**
 * The summarizer worker: summarize-log jobs from its queue → template mining → (with a model configured and
 * the flag on for the job's owner) a model's summary of the digest → summary stored on the entry.
 */
import { createFeatureFlagRepo } from '../adapters/db/feature-flag-repo.ts';
import { createLogEntryRepo } from '../adapters/db/log-entry-repo.ts';
import { llmAccess, llmSetupFromEnv } from '../adapters/llm/llm-from-config.ts';
import { summarizeLog } from '../core/jobs/kinds/summarize-log/definition.ts';
import { runSummarizeLog } from '../core/jobs/kinds/summarize-log/run.ts';
import { llmRefineSummary } from '../core/llm/log-summarizer.ts';
import { logger, metrics } from '../shared/observability.ts';
import { createWorkerHandler } from '../shared/worker-runtime.ts';
import { localSummarizer } from './local-summarizer.ts';

const llm = llmSetupFromEnv(process.env, { metrics, log: logger });

export const handler = await createWorkerHandler(summarizeLog.kind, process.env, (connection) => {
  const logEntries = createLogEntryRepo(connection.db);
  const { access } = llmAccess(llm, createFeatureFlagRepo(connection.db));
  const options = {
    maxPromptTokens: llm.config.LLM_MAX_PROMPT_TOKENS,
    jobTokenBudget: llm.config.LLM_JOB_TOKEN_BUDGET,
    maxAnswerTokens: llm.config.LLM_MAX_ANSWER_TOKENS,
  };
  // A model failure never fails the job: the refinement falls back to the miner's result.
  const deps = access.client
    ? { logEntries, summarize: localSummarizer, refine: llmRefineSummary(access, options) }
    : { logEntries, summarize: localSummarizer };
  return (job) => runSummarizeLog(deps, job);
});
