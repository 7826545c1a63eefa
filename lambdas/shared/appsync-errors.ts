/**
 * The one place where errors become GraphQL errors. A resolver Lambda returns `{ __error: { type, message } }`
 * instead of throwing; the AppSync response handler (lib/appsync/lambda-resolver.js) and the local endpoint turn
 * it into an error with that `errorType` (and `errorInfo`, e.g. `retryAfterSeconds`). A dependency that cannot
 * be reached becomes the retryable `ServiceUnavailable` (core/failures.ts decides which failures are that);
 * anything else that is not a domain error becomes a generic InternalError. The technical detail goes to the
 * log, never to the caller.
 */
import { ZodError } from 'zod';
import {
  AppError,
  type ErrorType,
  fieldPath,
  ServiceUnavailableError,
  ValidationError,
} from '../core/errors.ts';
import { isUnavailable, technicalDetail, unavailableError } from '../core/failures.ts';
import { METRICS } from '../core/metrics.ts';
import { emit, logger, type MetricsSink, metrics as sharedMetrics } from './observability.ts';

export interface ErrorEnvelope {
  __error: { type: ErrorType; message: string; info?: Record<string, number | string> };
}

export function validationErrorFromZod(error: ZodError, prefix = ''): ValidationError {
  const issue = error.issues[0];
  const field = fieldPath(prefix, issue?.path ?? []) || 'input';
  return new ValidationError(field, issue?.message ?? 'invalid value');
}

function envelopeOf(error: AppError): ErrorEnvelope {
  const info = error.info;
  return { __error: { type: error.errorType, message: error.message, ...(info ? { info } : {}) } };
}

/**
 * The envelope of an error. InternalError and ServiceUnavailable answers are counted (`InternalErrors`,
 * `ServiceUnavailableErrors`): they reach clients over HTTP 200, so these counts are what the alarms (and, for
 * InternalError, the deploy canary) watch.
 */
export function toErrorEnvelope(
  error: unknown,
  sink: Pick<MetricsSink, 'addMetric'> = sharedMetrics,
): ErrorEnvelope {
  if (error instanceof ZodError) return toErrorEnvelope(validationErrorFromZod(error), sink);
  if (error instanceof ServiceUnavailableError) return unavailableEnvelope(error, sink);
  if (error instanceof AppError && error.errorType !== 'InternalError') return envelopeOf(error);
  if (isUnavailable(error)) {
    logger.warn('A dependency is unavailable; answered ServiceUnavailable', {
      error: technicalDetail(error),
    });
    return unavailableEnvelope(unavailableError(error), sink);
  }
  emit(sink, METRICS.internalErrors, 1);
  if (error instanceof AppError) {
    logger.error('Internal error', { error: technicalDetail(error) });
    return envelopeOf(error);
  }
  logger.error('Unhandled error in resolver', { error: technicalDetail(error) });
  return { __error: { type: 'InternalError', message: 'Internal error' } };
}

function unavailableEnvelope(
  error: ServiceUnavailableError,
  sink: Pick<MetricsSink, 'addMetric'>,
): ErrorEnvelope {
  emit(sink, METRICS.serviceUnavailableErrors, 1);
  return envelopeOf(error);
}
