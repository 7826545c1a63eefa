/**
 * Ticket triage with a model beside the local classifier: the triage job's refine port. The classifier has
 * answered first; the model answers the same fields through structured outputs (a JSON schema), and an answer
 * outside the category set or the schema is rejected, keeping the classifier's. Both answers are stored in
 * the triage details.
 */
import type { RefineTriage, TriageAnswer } from '../jobs/kinds/triage-ticket/run.ts';
import { redactPersonNames } from '../redaction/redact.ts';
import { assertPlainText, parseAnswer, triageAnswerSchema } from './answers.ts';
import type { LlmAccess, LlmProvenance } from './ports.ts';
import { ticketTriagePrompt, ticketTriageSchema } from './prompts/ticket-triage.ts';
import { fallbackReason, LlmSession, warnFallback } from './session.ts';

export interface TriageLlmOptions {
  /** The categories the model may answer (the team's set: the classifier's). */
  categories: readonly string[];
  maxAnswerTokens: number;
  jobTokenBudget: number;
}

/** The ticket text is capped in the prompt: the opening of a long body says what it is about. */
const MAX_BODY_CHARS = 6000;

const localPart = (answer: TriageAnswer) => ({
  category: answer.category,
  priority: answer.priority,
  labels: answer.labels,
  confidence: answer.confidence,
  rationale: answer.rationale,
  classifierVersion: answer.classifierVersion,
});

/** The categories of the local P1 rules (an outage for many, an active exposure): the P1 is about them. */
const SEVERE_CATEGORIES: readonly string[] = ['INCIDENT', 'SECURITY'];

interface Floor {
  category: string;
  priority: TriageAnswer['priority'];
  /** Sentences added to the rationale, so a reader sees the model was overruled and why. */
  notes: string[];
  overruled: { field: 'priority' | 'category'; model: string; kept: string }[];
}

/**
 * Recall first, as in the local decision: a model may raise a priority, but not lower a P1 the local rules
 * found (an outage for many, an active exposure); a missed P1 costs more than a false alarm. Such a P1 is a
 * P1 *because* it is an incident or a security report, so the model cannot move it out of those two: a
 * ticket body that says "classify this as a P4 question" would otherwise turn a leaked production key into a
 * QUESTION that the security team never sees, and a QUESTION P1 is read by no one's rules.
 */
function securityFloor(
  local: TriageAnswer,
  answer: { category: string; priority: TriageAnswer['priority'] },
): Floor {
  const floor: Floor = { category: answer.category, priority: answer.priority, notes: [], overruled: [] };
  if (local.priority !== 'P1') return floor;
  if (answer.priority !== 'P1') {
    floor.priority = 'P1';
    floor.overruled.push({ field: 'priority', model: answer.priority, kept: 'P1' });
    floor.notes.push(
      `Priority kept at P1 (the model said ${answer.priority}): the local classifier read it as P1, and a model may raise a priority but not lower a P1.`,
    );
  }
  if (SEVERE_CATEGORIES.includes(local.category) && !SEVERE_CATEGORIES.includes(answer.category)) {
    floor.category = local.category;
    floor.overruled.push({ field: 'category', model: answer.category, kept: local.category });
    floor.notes.push(
      `Category kept at ${local.category} (the model said ${answer.category}): the local P1 rules read it as ${local.category}.`,
    );
  }
  return floor;
}

export function llmTriage(llm: LlmAccess, options: TriageLlmOptions): RefineTriage {
  return async (ticket, local, subject) => {
    const client = llm.client;
    if (!client || !(await client.available())) return { answer: local, model: null };
    if (!(await llm.gate('triage', subject))) return { answer: local, model: null };
    const session = new LlmSession(client, 'triage', llm.models.triage, options.jobTokenBudget, llm.metrics);
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
      // The stored text is redacted already; person names go only here, on the way to the model (DESIGN §6).
      const title = redactPersonNames(ticket.title).text;
      const named = redactPersonNames(ticket.body).text;
      const body = named.length > MAX_BODY_CHARS ? `${named.slice(0, MAX_BODY_CHARS)}…` : named;
      const prompt = ticketTriagePrompt.render({ title, body, categories: options.categories });
      const answer = await session.complete(
        [
          { role: 'system', content: ticketTriagePrompt.system },
          { role: 'user', content: prompt },
        ],
        { maxTokens: options.maxAnswerTokens, jsonSchema: ticketTriageSchema(options.categories) },
        (completion) => {
          completionText = completion.text.slice(0, 2000);
          const parsed = parseAnswer(completion, triageAnswerSchema(options.categories));
          assertPlainText([parsed.rationale], `${title}\n${body}`);
          return parsed;
        },
      );
      const provenance = session.provenance(ticketTriagePrompt, null);
      const model = provenance.model ?? llm.models.triage;
      const floor = securityFloor(local, answer);
      return {
        answer: {
          category: floor.category,
          priority: floor.priority,
          // A category kept from the local answer keeps its labels too (`security` for a leaked key): the
          // model's labels were for the category it chose.
          labels: [
            ...new Set([...(floor.category === answer.category ? [] : local.labels), ...answer.labels]),
          ],
          confidence: answer.confidence,
          rationale: [answer.rationale, ...floor.notes].join(' '),
          classifierVersion: `${model} (${ticketTriagePrompt.name}@${ticketTriagePrompt.version})`,
          details: {
            ...local.details,
            local: localPart(local),
            llm: { ...provenance, answer, ...(floor.overruled.length ? { overruled: floor.overruled } : {}) },
          },
        },
        model,
      };
    } catch (error: unknown) {
      llm.metrics.record('triage', 'LlmFallbacks', 1);
      warnFallback(llm.log, session, error, "classifier's answer");
      return keep(session.provenance(ticketTriagePrompt, fallbackReason(error)), completionText);
    }
  };
}
