/**
 * The database-unavailable answer of the AWS handlers (the authorizer's container). Which failures mean "the
 * database cannot be reached right now" is decided in one place, core/failures.ts (`isUnavailable`), for the
 * resolver, the workers, the database guard and this module alike.
 */
import { ServiceUnavailableError } from '../core/errors.ts';
import { isUnavailable } from '../core/failures.ts';

export const DATABASE_UNAVAILABLE_MESSAGE =
  'The database cannot be reached right now (a paused database takes about 15 seconds to resume). Retry in a few seconds.';

/** True when the error, or any error in its cause chain, says the database is unreachable for now. */
export const isDatabaseUnavailable = (error: unknown): boolean => isUnavailable(error);

/** The retryable answer for an unreachable database. */
export function databaseUnavailable(cause?: unknown): ServiceUnavailableError {
  return new ServiceUnavailableError(DATABASE_UNAVAILABLE_MESSAGE, 5, { cause });
}
