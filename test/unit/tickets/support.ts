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

export function fixtureTickets(): (LabelledTicket & { project: string })[] {
  const rows = parse(readFileSync(FIXTURE), { columns: true }) as Record<string, string>[];
  return rows.map((r) => ({
    title: r.title ?? '',
    body: r.body ?? '',
    label: r.label ?? '',
    project: r.repo ?? '',
  }));
}

let trained: TrainingResult | undefined;
/** One small model trained on the fixture, shared by the tests of a file (training is deterministic). */
export function fixtureModel(): TrainingResult {
  trained ??= trainTicketModel(fixtureTickets(), { calibrationFolds: 3 });
  return trained;
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
