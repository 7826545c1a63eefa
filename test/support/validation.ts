import { ValidationError } from '../../lambdas/core/errors.ts';

/** The field and problem of the ValidationError `run` throws; fails the test when it throws nothing or another error. */
export function validationProblem(run: () => unknown): { field: string; problem: string } {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof ValidationError) return { field: error.field, problem: error.problem };
    throw error;
  }
  throw new Error('expected a ValidationError');
}
