/**
 * Accepting a ticket: title, body and project redacted once before storage (DESIGN §6), the project
 * lower-cased so projects compare case-insensitively (`redactTicket`, what `ai-ops tickets classify` reads
 * too); then the ticket, its triage job and the creation record are committed in one transaction, and the job
 * is sent. The input was checked at the edge.
 */
import type { Caller } from '../../../auth/roles.ts';
import { idempotentRequest } from '../../../idempotency.ts';
import type { NetworkRedaction } from '../../../redaction/index.ts';
import { redactTicket } from '../../../tickets/input.ts';
import type { TicketRecord, TicketRepo } from '../../../use-cases/tickets.ts';
import { type DispatchDeps, dispatchJob } from '../../dispatch.ts';
import { triageTicket } from './definition.ts';

export interface TicketSubmission {
  title: string;
  body: string;
  /** Trimmed, not blank; null when not given. */
  project: string | null;
  idempotencyKey: string | null;
  traceId: string | null;
}

/** The subject's repository, and what dispatching its job needs. */
export interface CreateTicketDeps extends DispatchDeps {
  tickets: Pick<TicketRepo, 'create'>;
  /** IP addresses and host names: pseudonymised (default), kept or removed, as for logs. */
  network?: NetworkRedaction;
}

export async function createTicket(
  deps: CreateTicketDeps,
  caller: Caller,
  submission: TicketSubmission,
): Promise<TicketRecord> {
  const { title, body, project, redactions } = redactTicket(submission, deps.network);
  const { ticket, created } = await deps.tickets.create(
    { ownerId: caller.userId, title, body, project, redactions },
    { kind: triageTicket.kind, traceId: submission.traceId },
    idempotentRequest(submission.idempotencyKey, () => ({ title, body, project })),
  );
  if (!created) return ticket;
  return {
    ...ticket,
    job: await dispatchJob(deps, ticket.job),
  };
}
