import { defineJobKind, MAX_RECEIVE_COUNT } from '../../kind.ts';

/** The shipped ticket classifier, copied next to the worker's bundle (DEFAULT_MODEL_PATH finds it there). */
export const TICKET_MODEL_ASSET = 'lambdas/core/tickets/default.model.bin';

/** Ticket triage: the local classifier is fast, so bigger batches and a short timeout; a model call is short too. */
export const triageTicket = defineJobKind({
  kind: 'triage-ticket',
  description: 'Triages a ticket: the local classifier, then optionally a model with structured outputs',
  queue: {
    name: 'triage',
    batchSize: 10,
    maxBatchingWindowSeconds: 2,
    maxReceiveCount: MAX_RECEIVE_COUNT,
    maxConcurrency: 10,
  },
  worker: {
    entry: 'lambdas/triage/handler.ts',
    timeoutSeconds: 60,
    memorySize: 512,
    assets: [TICKET_MODEL_ASSET],
    environment: { LLM_TIMEOUT_MS: '8000', LLM_CALL_BUDGET_MS: '12000' },
  },
});
