/** The input rules of a ticket, apart from the classifier so the API checks them without loading the model. */
import { ValidationError } from '../errors.ts';
import { textProblem } from '../text.ts';

export const TICKET_LIMITS = { titleMaxChars: 512, bodyMaxChars: 262_144, projectMaxChars: 200 } as const;

/** Checks a ticket before any work; each problem is a `ValidationError` naming the field. */
export function validateTicketInput(input: unknown): {
  title: string;
  body: string;
  project: string | undefined;
} {
  if (typeof input !== 'object' || input === null)
    throw new ValidationError('input', 'expected a ticket object');
  const record = input as Record<string, unknown>;
  const text = (field: 'title' | 'body', max: number): string => {
    const value = record[field];
    if (typeof value !== 'string') throw new ValidationError(field, 'must be a string');
    if (value.trim() === '') throw new ValidationError(field, 'must not be empty');
    if (value.length > max)
      throw new ValidationError(field, `must be at most ${max} characters (got ${value.length})`);
    const problem = textProblem(value, field === 'title' ? 'single-line' : 'multi-line');
    if (problem) throw new ValidationError(field, problem);
    return value;
  };
  const title = text('title', TICKET_LIMITS.titleMaxChars);
  const body = text('body', TICKET_LIMITS.bodyMaxChars);
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
  return { title, body, project };
}
