/** The triage worker: triage-ticket jobs from its queue → the local classifier → triage stored on the ticket. */
import { createTicketRepo } from '../adapters/db/ticket-repo.ts';
import { JOB_KINDS } from '../core/jobs/job.ts';
import { triageTicketJob } from '../core/use-cases/tickets.ts';
import { createWorkerHandler } from '../shared/worker-runtime.ts';
import { loadTicketClassifier, localClassify } from './local-classifier.ts';

const classify = localClassify(loadTicketClassifier(process.env.TICKET_MODEL_PATH));

export const handler = await createWorkerHandler(JOB_KINDS.triageTicket, process.env, (connection) => {
  const tickets = createTicketRepo(connection.db);
  return (job) => triageTicketJob({ tickets, classify }, job);
});
