/**
 * The one place where errors become GraphQL errors. A resolver Lambda returns `{ __error: { type, message } }`
 * instead of throwing; the AppSync response handler (lib/appsync/lambda-resolver.js) and the local endpoint turn
 * it into an error with that `errorType`. Anything that is not a domain error becomes a generic InternalError:
 * its details go to the log, never to the caller.
 */
import { ZodError } from 'zod';
import { AppError, type ErrorType, ValidationError } from '../core/errors.ts';
import { METRICS } from '../core/metrics.ts';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from './dependency-errors.ts';
import { emit, logger, type MetricsSink, metrics as sharedMetrics } from './observability.ts';

export interface ErrorEnvelope {
  __error: { type: ErrorType; message: string };
}

export function validationErrorFromZod(error: ZodError, prefix = ''): ValidationError {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  const field = [prefix, path].filter(Boolean).join('.') || 'input';
  return new ValidationError(field, issue?.message ?? 'invalid value');
}

/**
 * The envelope of an error. An InternalError is logged and counted (`InternalErrors`): it reaches clients over
 * HTTP 200, so this count is what the alarms and the deploy canary watch.
 */
export function toErrorEnvelope(
  error: unknown,
  sink: Pick<MetricsSink, 'addMetric'> = sharedMetrics,
): ErrorEnvelope {
  if (error instanceof ZodError) return toErrorEnvelope(validationErrorFromZod(error), sink);
  if (error instanceof AppError && error.errorType !== 'InternalError') {
    return { __error: { type: error.errorType, message: error.message } };
  }
  if (isDatabaseUnavailable(error)) {
    logger.warn('Database unavailable; answered ServiceUnavailable', {
      error: error instanceof Error ? error.message : String(error),
    });
    return { __error: { type: 'ServiceUnavailable', message: DATABASE_UNAVAILABLE_MESSAGE } };
  }
  emit(sink, METRICS.internalErrors, 1);
  if (error instanceof AppError) {
    logger.error('Internal error', { error });
    return { __error: { type: error.errorType, message: error.message } };
  }
  logger.error('Unhandled error in resolver', { error: error instanceof Error ? error : String(error) });
  return { __error: { type: 'InternalError', message: 'Internal error' } };
}
