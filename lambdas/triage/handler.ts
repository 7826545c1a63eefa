/**
 * The triage worker: triage-ticket jobs from its queue → the local classifier (always) → with a model
 * configured and the flag on for the ticket's owner, the model's structured answer → triage stored on the ticket.
 */
import { createFeatureFlagRepo } from '../adapters/db/feature-flag-repo.ts';
import { createTicketRepo } from '../adapters/db/ticket-repo.ts';
import { llmAccess, llmSetupFromEnv, triageAnswerTokens } from '../adapters/llm/llm-from-config.ts';
import { triageTicket } from '../core/jobs/kinds/triage-ticket/definition.ts';
import { llmTriage, triageTicketWithModel } from '../core/llm/ticket-triage.ts';
import { triageTicketJob } from '../core/use-cases/tickets.ts';
import { logger, metrics } from '../shared/observability.ts';
import { createWorkerHandler } from '../shared/worker-runtime.ts';
import { ticketTriageFromEnv } from './local-classifier.ts';

const { classify, categories } = ticketTriageFromEnv(process.env);
const llm = llmSetupFromEnv(process.env, { metrics, log: logger });

export const handler = await createWorkerHandler(triageTicket.kind, process.env, (connection) => {
  const tickets = createTicketRepo(connection.db);
  if (!llm.client) return (job) => triageTicketJob({ tickets, classify }, job);
  const { access } = llmAccess(llm, createFeatureFlagRepo(connection.db));
  const refine = llmTriage(access, {
    categories,
    maxAnswerTokens: triageAnswerTokens(llm.config),
    jobTokenBudget: llm.config.LLM_JOB_TOKEN_BUDGET,
  });
  return (job) => triageTicketWithModel({ tickets, classify, refine }, job);
});
