/** The input rules of a ticket, apart from the classifier so the API checks them without loading the model. */
import { ValidationError } from '../errors.ts';
import { type NetworkRedaction, type RedactionCounts, Redactor } from '../redaction/index.ts';
import { textProblem } from '../text.ts';

export const TICKET_LIMITS = { titleMaxChars: 512, bodyMaxChars: 262_144, projectMaxChars: 200 } as const;

/** Checks a ticket before any work; each problem is a `ValidationError` naming the field. */
export function validateTicketInput(input: unknown): {
  title: string;
  body: string;
  project: string | undefined;
  createdAt: Date | undefined;
} {
  if (typeof input !== 'object' || input === null)
    throw new ValidationError('input', 'expected a ticket object');
  const record = input as Record<string, unknown>;
  const title = record.title;
  if (typeof title !== 'string') throw new ValidationError('title', 'must be a string');
  if (title.trim() === '') throw new ValidationError('title', 'must not be empty');
  if (title.length > TICKET_LIMITS.titleMaxChars) {
    throw new ValidationError(
      'title',
      `must be at most ${TICKET_LIMITS.titleMaxChars} characters (got ${title.length})`,
    );
  }
  const titleProblem = textProblem(title, 'single-line');
  if (titleProblem) throw new ValidationError('title', titleProblem);
  // A title-only ticket is normal: an absent, null or blank body means "no body".
  const rawBody = record.body ?? '';
  if (typeof rawBody !== 'string') throw new ValidationError('body', 'must be a string');
  if (rawBody.length > TICKET_LIMITS.bodyMaxChars) {
    throw new ValidationError(
      'body',
      `must be at most ${TICKET_LIMITS.bodyMaxChars} characters (got ${rawBody.length})`,
    );
  }
  const bodyProblem = textProblem(rawBody, 'multi-line');
  if (bodyProblem) throw new ValidationError('body', bodyProblem);
  const rawProject = record.project;
  let project: string | undefined;
  if (rawProject !== undefined && rawProject !== null && rawProject !== '') {
    if (typeof rawProject !== 'string') throw new ValidationError('project', 'must be a string');
    if (rawProject.length > TICKET_LIMITS.projectMaxChars) {
      throw new ValidationError('project', `must be at most ${TICKET_LIMITS.projectMaxChars} characters`);
    }
    const problem = textProblem(rawProject, 'single-line');
    if (problem) throw new ValidationError('project', problem);
    project = rawProject;
  }
  return {
    title,
    body: rawBody.trim() === '' ? '' : rawBody,
    project,
    createdAt: parseCreatedAt(record.createdAt),
  };
}

/**
 * A ticket's text as the product stores and triages it (DESIGN §6): title, body and project redacted by one
 * redactor, in that order, so an address gets the same pseudonym in all three, and the project lower-cased
 * (projects compare case-insensitively). The accept use case stores this and the triage worker classifies
 * it; `ai-ops tickets classify` classifies it too, so the CLI answers what the worker answers.
 */
export function redactTicket(
  ticket: { title: string; body: string; project: string | null | undefined },
  network: NetworkRedaction = 'pseudonymise',
): { title: string; body: string; project: string | null; redactions: RedactionCounts } {
  const redactor = new Redactor({ network });
  const title = redactor.redact(ticket.title);
  const body = redactor.redact(ticket.body);
  const project =
    ticket.project === null || ticket.project === undefined
      ? null
      : normalisedProject(ticket.project, redactor);
  return { title, body, project, redactions: { ...redactor.counts } };
}

/** How a project is stored and matched: lower-cased (projects compare case-insensitively), PII redacted. */
export const normalisedProject = (project: string, redactor = new Redactor()): string =>
  redactor.redact(project.toLowerCase());

/** A creation time as a Date: a valid Date, or an ISO 8601 date or date-time string (UTC unless it says). */
export function parseCreatedAt(value: unknown, field = 'createdAt'): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ValidationError(field, 'is not a valid date');
    return value;
  }
  if (typeof value !== 'string') throw new ValidationError(field, 'must be a date string');
  const text = value.trim();
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      text,
    );
  if (match === null)
    throw new ValidationError(
      field,
      `"${text.slice(0, 40)}" is not a date (expected YYYY-MM-DD or an ISO 8601 time)`,
    );
  const zone = match[7] ?? 'Z';
  const iso = `${match[1]}-${match[2]}-${match[3]}T${match[4] ?? '00'}:${match[5] ?? '00'}:${match[6] ?? '00'}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime()) || (date.toISOString().slice(0, 10) !== iso.slice(0, 10) && zone === 'Z'))
    throw new ValidationError(field, `"${text.slice(0, 40)}" is not a valid date`);
  return date;
}
