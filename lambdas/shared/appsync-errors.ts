/**
 * The one place where errors become GraphQL errors. A resolver Lambda returns `{ __error: { type, message } }`
 * instead of throwing; the AppSync response handler (lib/appsync/lambda-resolver.js) and the local endpoint turn
 * it into an error with that `errorType`. Anything that is not a domain error becomes a generic InternalError:
 * its details go to the log, never to the caller.
 */
import { ZodError } from 'zod';
import { AppError, type ErrorType, ValidationError } from '../core/errors.ts';
import { logger } from './observability.ts';

export interface ErrorEnvelope {
  __error: { type: ErrorType; message: string };
}

export function validationErrorFromZod(error: ZodError, prefix = ''): ValidationError {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  const field = [prefix, path].filter(Boolean).join('.') || 'input';
  return new ValidationError(field, issue?.message ?? 'invalid value');
}

export function toErrorEnvelope(error: unknown): ErrorEnvelope {
  if (error instanceof ZodError) return toErrorEnvelope(validationErrorFromZod(error));
  if (error instanceof AppError) {
    if (error.errorType === 'InternalError') logger.error('Internal error', { error });
    return { __error: { type: error.errorType, message: error.message } };
  }
  logger.error('Unhandled error in resolver', { error: error instanceof Error ? error : String(error) });
  return { __error: { type: 'InternalError', message: 'Internal error' } };
}
