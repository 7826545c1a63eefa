/**
 * The one place where errors become GraphQL errors. A resolver Lambda returns `{ __error: { type, message } }`
 * instead of throwing; the AppSync response handler (lib/appsync/lambda-resolver.js) and the local endpoint turn
 * it into an error with that `errorType` (and `errorInfo`, e.g. `retryAfterSeconds`). A dependency that cannot
 * be reached becomes the retryable `ServiceUnavailable`; anything else that is not a domain error becomes a
 * generic InternalError. The technical detail goes to the log, never to the caller.
 */
import { ZodError } from 'zod';
import { AppError, type ErrorType, ServiceUnavailableError, ValidationError } from '../core/errors.ts';
import { isUnavailable, technicalDetail, unavailableError } from '../core/failures.ts';
import { logger } from './observability.ts';

export interface ErrorEnvelope {
  __error: { type: ErrorType; message: string; info?: Record<string, number | string> };
}

export function validationErrorFromZod(error: ZodError, prefix = ''): ValidationError {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  const field = [prefix, path].filter(Boolean).join('.') || 'input';
  return new ValidationError(field, issue?.message ?? 'invalid value');
}

function envelopeOf(error: AppError): ErrorEnvelope {
  const info = error.info;
  return { __error: { type: error.errorType, message: error.message, ...(info ? { info } : {}) } };
}

export function toErrorEnvelope(error: unknown): ErrorEnvelope {
  if (error instanceof ZodError) return toErrorEnvelope(validationErrorFromZod(error));
  if (error instanceof ServiceUnavailableError) return envelopeOf(error);
  if (error instanceof AppError) {
    if (error.errorType === 'InternalError')
      logger.error('Internal error', { error: technicalDetail(error) });
    return envelopeOf(error);
  }
  if (isUnavailable(error)) {
    logger.warn('A dependency is unavailable', { error: technicalDetail(error) });
    return envelopeOf(unavailableError(error));
  }
  logger.error('Unhandled error in resolver', { error: technicalDetail(error) });
  return { __error: { type: 'InternalError', message: 'Internal error' } };
}
