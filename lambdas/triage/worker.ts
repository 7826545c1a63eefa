/**
 * The triage worker: triage-ticket jobs from its queue → the local classifier (once) → with a model
 * configured and the flag on for the ticket's owner, the model's structured answer → triage stored.
 */
import { createFeatureFlagRepo } from '../adapters/db/feature-flag-repo.ts';
import { createTicketRepo } from '../adapters/db/ticket-repo.ts';
import { llmAccess, llmSetup, triageAnswerTokens } from '../adapters/llm/llm-from-config.ts';
import { systemClock } from '../core/clock.ts';
import { triageTicket } from '../core/jobs/kinds/triage-ticket/definition.ts';
import { runTriageTicket } from '../core/jobs/kinds/triage-ticket/run.ts';
import { llmTriage } from '../core/llm/ticket-triage.ts';
import { logger, metrics } from '../shared/observability.ts';
import type { JobWorkerHandler } from '../shared/sqs-worker.ts';
import { createWorkerHandler, type WorkerConfig } from '../workers/runtime.ts';
import { ticketTriageSetup } from './local-classifier.ts';

export function createWorker(config: WorkerConfig): JobWorkerHandler {
  const { classify, fingerprint, categories } = ticketTriageSetup(config.triage);
  const llm = llmSetup(config.llm, { metrics, log: logger });
  return createWorkerHandler(triageTicket.kind, config, (connection) => {
    const tickets = createTicketRepo(connection.db);
    if (!llm.client)
      return (job) => runTriageTicket({ tickets, classify, fingerprint, clock: systemClock }, job);
    const { access } = llmAccess(llm, createFeatureFlagRepo(connection.db));
    const refine = llmTriage(access, {
      categories,
      maxAnswerTokens: triageAnswerTokens(llm.config),
      jobTokenBudget: llm.config.LLM_JOB_TOKEN_BUDGET,
    });
    return (job) => runTriageTicket({ tickets, classify, fingerprint, refine, clock: systemClock }, job);
  });
}
