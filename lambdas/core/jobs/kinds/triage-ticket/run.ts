/**
 * Running a triage job: the local classifier answers once; a model, when one may be used, refines that
 * answer (an optional port); the answer is recorded on the ticket with optimistic locking. A person's
 * correction wins over the classifier's fields, but what the classifier said is still recorded. Idempotent:
 * a ticket already triaged by this job is left alone.
 */
import type { Clock } from '../../../clock.ts';
import { ConflictError } from '../../../errors.ts';
import type {
  Priority,
  SimilarityVector,
  TicketField,
  TicketRecord,
  TicketRepo,
} from '../../../use-cases/tickets.ts';
import type { Job } from '../../job.ts';
import { type JobWorkResult, PermanentJobError, subjectOf } from '../../run-job.ts';
import { triageTicket } from './definition.ts';

/** What a triage (classifier or model) answered, stored whole in `triage`. */
export interface TriageAnswer {
  category: string;
  priority: Priority;
  labels: string[];
  confidence: number;
  rationale: string;
  classifierVersion: string;
  details: Record<string, unknown>;
  /** Answers of the served model's extra outputs (`{ team: 'sre' }`); `team` fills `Ticket.team`. */
  extra?: Record<string, string>;
}

export interface TicketText {
  title: string;
  /** Empty for a title-only ticket. */
  body: string;
  project: string | null;
  /** Dates in the text ("by Friday") are read relative to it. */
  createdAt: Date;
}

/** The one triage decision (core/tickets TriagePolicy): the deployment's categories and review threshold. */
export type ClassifyTicket = (ticket: TicketText) => TriageAnswer;

/** The ticket's similarity fingerprint, stored so `Ticket.similar` can compare it (core/tickets/similarity). */
export type FingerprintTicket = (ticket: Pick<TicketText, 'title' | 'body'>) => SimilarityVector;

/** A model's refinement of the local answer; it answers `local` itself whenever it cannot do better. */
export type RefineTriage = (
  ticket: Pick<TicketText, 'title' | 'body'>,
  local: TriageAnswer,
  subject: { userId: string | null },
) => Promise<{ answer: TriageAnswer; model: string | null }>;

export interface TriageJobDeps {
  tickets: Pick<TicketRepo, 'get' | 'update'>;
  classify: ClassifyTicket;
  fingerprint?: FingerprintTicket;
  refine?: RefineTriage;
  clock: Clock;
}

/** Writes lost to a concurrent change before the job gives up (and the queue retries it). */
const MAX_WRITE_ATTEMPTS = 3;

interface Decision {
  text: TicketText;
  answer: TriageAnswer;
  model: string | null;
  /** The local classifier's routing (a model refining the answer does not route). */
  team: string | null;
  similarity: SimilarityVector | undefined;
}

const sameText = (a: TicketText, b: TicketText): boolean =>
  a.title === b.title && a.body === b.body && a.project === b.project;

async function decide(deps: TriageJobDeps, ticket: TicketRecord, job: Job): Promise<Decision> {
  const text = {
    title: ticket.title,
    body: ticket.body,
    project: ticket.project,
    createdAt: ticket.createdAt,
  };
  const local = deps.classify(text);
  const fixed = { text, team: local.extra?.team ?? null, similarity: deps.fingerprint?.(text) };
  if (!deps.refine) return { ...fixed, answer: local, model: null };
  // The model call happens outside any transaction.
  const { answer, model } = await deps.refine(text, local, { userId: job.ownerId });
  return { ...fixed, answer, model };
}

function triagedChange(decision: Decision, ticket: TicketRecord, job: Job, now: Date) {
  const { answer, team } = decision;
  const triage = { ...answer, jobId: job.id, triagedAt: now.toISOString() };
  // A person's correction wins over the classifier's fields; what the classifier said is still kept.
  const set: Partial<Record<TicketField, unknown>> = ticket.correction
    ? { triage }
    : { triage, category: answer.category, priority: answer.priority, labels: answer.labels, team };
  return {
    actorId: null,
    action: 'triaged',
    set,
    meta: { classifierVersion: answer.classifierVersion, confidence: answer.confidence },
    ...(decision.similarity ? { similarity: decision.similarity } : {}),
  };
}

export async function runTriageTicket(deps: TriageJobDeps, job: Job): Promise<JobWorkResult> {
  const ticketId = subjectOf(job, triageTicket.kind);
  let decision: Decision | undefined;
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const ticket = await deps.tickets.get(ticketId);
    if (!ticket) throw new PermanentJobError(`ticket ${ticketId} no longer exists`);
    if (ticket.triage && ticket.triage.jobId === job.id) return { model: null };
    // Classified once; again only when someone changed the text meanwhile.
    if (!decision || !sameText(decision.text, ticket)) decision = await decide(deps, ticket, job);
    const result = await deps.tickets.update(
      ticket.id,
      ticket.version,
      triagedChange(decision, ticket, job, deps.clock.now()),
    );
    if (result.status === 'updated') return { model: decision.model };
    if (result.status === 'notFound') throw new PermanentJobError(`ticket ${ticketId} no longer exists`);
    // Someone changed the ticket meanwhile: read it again and retry on the new version.
  }
  throw new ConflictError(`Ticket ${ticketId} kept changing during triage`);
}
