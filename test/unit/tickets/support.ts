import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { ValidationError } from '../../../lambdas/core/errors.ts';
import {
  type LabelledTicket,
  type TrainingResult,
  trainTicketModel,
} from '../../../lambdas/core/tickets/train.ts';

export const FIXTURE = fileURLToPath(new URL('../../fixtures/tickets/nlbse24-sample.csv', import.meta.url));
export const INTERNAL_FIXTURE = fileURLToPath(
  new URL('../../fixtures/tickets/internal-sample.csv', import.meta.url),
);

export function fixtureTickets(): (LabelledTicket & { project: string })[] {
  const rows = parse(readFileSync(FIXTURE), { columns: true }) as Record<string, string>[];
  return rows.map((r) => ({
    title: r.title ?? '',
    body: r.body ?? '',
    label: r.label ?? '',
    project: r.repo ?? '',
  }));
}

/** The internal-style sample: six categories, priorities, teams and creation times. */
export function internalTickets(): LabelledTicket[] {
  const rows = parse(readFileSync(INTERNAL_FIXTURE), { columns: true }) as Record<string, string>[];
  return rows.map((r) => ({
    title: r.title ?? '',
    body: r.body ?? '',
    label: r.category ?? '',
    createdAt: new Date(`${(r.created_at ?? '').replace(' ', 'T')}Z`),
    labels: { priority: r.priority, team: r.team },
  }));
}

let trained: TrainingResult | undefined;
/** One small model trained on the NLBSE fixture, shared by the tests of a file (training is deterministic). */
export function fixtureModel(): TrainingResult {
  trained ??= trainTicketModel(fixtureTickets(), { calibrationFolds: 3 });
  return trained;
}

let mixed: TrainingResult | undefined;
/** A model over both fixtures: six learned categories, a learned priority and a team head. */
export function mixedModel(): TrainingResult {
  mixed ??= trainTicketModel([...fixtureTickets(), ...internalTickets()], { calibrationFolds: 3 });
  return mixed;
}

/** The field a ValidationError names, or undefined when `run` does not throw one. */
export function validationField(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  return undefined;
}
