/**
 * Ticket triage with a model beside the local classifier. The classifier always runs; the model answers the
 * same fields through structured outputs (a JSON schema), and an answer outside the category set or the
 * schema is rejected, keeping the classifier's. Both answers are stored in the triage details.
 */
import { ValidationError } from '../errors.ts';
import type { Job } from '../jobs/job.ts';
import { triageTicket } from '../jobs/kinds/triage-ticket/definition.ts';
import type { ClassifyTicket, TicketRepo, TriageAnswer } from '../use-cases/tickets.ts';
import { triageTicketJob } from '../use-cases/tickets.ts';
import { parseAnswer, triageAnswerSchema } from './answers.ts';
import type { LlmAccess, LlmProvenance } from './ports.ts';
import { ticketTriagePrompt, ticketTriageSchema } from './prompts/ticket-triage.ts';
import { fallbackReason, LlmSession } from './session.ts';

export interface TriageLlmOptions {
  /** The categories the model may answer (the team's set: the classifier's). */
  categories: readonly string[];
  maxAnswerTokens: number;
  jobTokenBudget: number;
}

/** The ticket text is capped in the prompt: the opening of a long body says what it is about. */
const MAX_BODY_CHARS = 6000;

export type RefineTriage = (
  ticket: { title: string; body: string },
  local: TriageAnswer,
  subject: { userId: string | null },
) => Promise<{ answer: TriageAnswer; model: string | null }>;

const localPart = (answer: TriageAnswer) => ({
  category: answer.category,
  priority: answer.priority,
  labels: answer.labels,
  confidence: answer.confidence,
  rationale: answer.rationale,
  classifierVersion: answer.classifierVersion,
});

export function llmTriage(llm: LlmAccess, options: TriageLlmOptions): RefineTriage {
  return async (ticket, local, subject) => {
    const client = llm.client;
    if (!client || !(await client.available())) return { answer: local, model: null };
    if (!(await llm.gate('triage', subject))) return { answer: local, model: null };
    const session = new LlmSession(client, 'triage', llm.models.triage, options.jobTokenBudget);
    const keep = (provenance: LlmProvenance, rejected: unknown) => ({
      answer: {
        ...local,
        details: {
          ...local.details,
          local: localPart(local),
          llm: { ...provenance, rejectedAnswer: rejected },
        },
      },
      model: null,
    });
    let completionText: string | null = null;
    try {
      const body =
        ticket.body.length > MAX_BODY_CHARS ? `${ticket.body.slice(0, MAX_BODY_CHARS)}…` : ticket.body;
      const completion = await session.complete(
        [
          { role: 'system', content: ticketTriagePrompt.system },
          {
            role: 'user',
            content: ticketTriagePrompt.render({ title: ticket.title, body, categories: options.categories }),
          },
        ],
        { maxTokens: options.maxAnswerTokens, jsonSchema: ticketTriageSchema(options.categories) },
      );
      completionText = completion.text.slice(0, 2000);
      const answer = parseAnswer(completion, triageAnswerSchema(options.categories));
      const provenance = session.provenance(ticketTriagePrompt, null);
      const model = provenance.model ?? llm.models.triage;
      return {
        answer: {
          category: answer.category,
          priority: answer.priority,
          labels: [...new Set(answer.labels)],
          confidence: answer.confidence,
          rationale: answer.rationale,
          classifierVersion: `${model} (${ticketTriagePrompt.name}@${ticketTriagePrompt.version})`,
          details: { ...local.details, local: localPart(local), llm: { ...provenance, answer } },
        },
        model,
      };
    } catch (error: unknown) {
      llm.metrics.record('triage', 'LlmFallbacks', 1);
      return keep(session.provenance(ticketTriagePrompt, fallbackReason(error)), completionText);
    }
  };
}

/**
 * The triage job with a model: the answer is worked out first (the model call happens outside any
 * transaction), then the ticket use case records it exactly as it records the classifier's, with the same
 * idempotency and optimistic-locking retries.
 */
export async function triageTicketWithModel(
  deps: { tickets: TicketRepo; classify: ClassifyTicket; refine: RefineTriage },
  job: Job,
): Promise<{ model: string | null }> {
  if (job.kind !== triageTicket.kind || !job.subjectId) {
    throw new ValidationError('job', `job ${job.id} is not a ticket triage job`);
  }
  const ticket = await deps.tickets.get(job.subjectId);
  if (!ticket || (ticket.triage && ticket.triage.jobId === job.id)) {
    return triageTicketJob({ tickets: deps.tickets, classify: deps.classify }, job);
  }
  const local = deps.classify({ title: ticket.title, body: ticket.body, project: ticket.project });
  const { answer, model } = await deps.refine(ticket, local, { userId: job.ownerId });
  await triageTicketJob(
    {
      tickets: deps.tickets,
      // Should the text change meanwhile (a retry on a newer version), the classifier answers for the new text.
      classify: (current) =>
        current.title === ticket.title && current.body === ticket.body ? answer : deps.classify(current),
    },
    job,
  );
  return { model };
}
