/**
 * Domain errors. Each carries the GraphQL `errorType` clients see (DESIGN §3); the mapping to a response
 * happens in one place (`lambdas/shared/appsync-errors.ts`). Messages are written for the caller: they must
 * never include SQL, stack traces or secrets.
 */
export type ErrorType =
  | 'ValidationError'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'ConflictError'
  | 'RateLimited'
  | 'ServiceUnavailable'
  | 'InternalError';

export abstract class AppError extends Error {
  abstract readonly errorType: ErrorType;
  /** Machine-readable details for the caller (GraphQL `errorInfo`), e.g. `{ retryAfterSeconds: 30 }`. */
  get info(): Record<string, number | string> | undefined {
    return undefined;
  }
}

export class ValidationError extends AppError {
  readonly errorType = 'ValidationError';
  /** The argument or input path that is wrong, e.g. `password` or `input.title`. */
  readonly field: string;
  /** What is wrong, without the field: `must not be blank`. */
  readonly problem: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.name = 'ValidationError';
    this.field = field;
    this.problem = problem;
  }
}

/**
 * The one spelling of a field inside an input, for every error that names one: `input.commits[0].message`
 * (keys after a dot, array indexes in brackets).
 */
export function fieldPath(root: string, keys: readonly PropertyKey[]): string {
  return keys.reduce<string>(
    (out, key) =>
      typeof key === 'number' ? `${out}[${key}]` : out === '' ? String(key) : `${out}.${String(key)}`,
    root,
  );
}

export class UnauthorizedError extends AppError {
  readonly errorType = 'Unauthorized';
  constructor(message = 'Not authorized') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends AppError {
  readonly errorType = 'Forbidden';
  constructor(message = 'Forbidden') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends AppError {
  readonly errorType = 'NotFound';
  /** `reason` says why, when the thing exists but not as asked ("it was created at …"). */
  constructor(what: string, reason?: string) {
    super(reason ? `${what} not found: ${reason}` : `${what} not found`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends AppError {
  readonly errorType = 'ConflictError';
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** "try again in 15 s" / "in 3 min": the wait a RateLimited answer carries, said in its message too. */
export function tryAgainIn(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  return s < 120 ? `try again in ${s} s` : `try again in ${Math.ceil(s / 60)} min`;
}

export class RateLimitedError extends AppError {
  readonly errorType = 'RateLimited';
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
  override get info() {
    return { retryAfterSeconds: this.retryAfterSeconds };
  }
}

/**
 * Retryable: a dependency (the database) is unreachable, or the request ran out of time waiting for it. The
 * caller may try again after `retryAfterSeconds`; nothing was done for a request that got this answer. A
 * personal stage's database pauses when idle and takes about 15 seconds to resume.
 */
export class ServiceUnavailableError extends AppError {
  readonly errorType = 'ServiceUnavailable';
  readonly retryAfterSeconds: number;
  constructor(message = SERVICE_UNAVAILABLE_MESSAGE, retryAfterSeconds = 5, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceUnavailableError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
  override get info() {
    return { retryAfterSeconds: this.retryAfterSeconds };
  }
}

export const SERVICE_UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable; retry in a few seconds';
export const DEADLINE_MESSAGE =
  'The request ran out of time; nothing was changed. Try again in a few seconds';

const MAX_REASON_LENGTH = 1000;

/** A one-line, bounded description of a failure, fit for a job's `lastError` and for logs. */
export function describeError(error: unknown): string {
  const text =
    error instanceof Error
      ? error.message.trim() || error.name
      : typeof error === 'string'
        ? error
        : 'unknown error';
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > MAX_REASON_LENGTH ? `${oneLine.slice(0, MAX_REASON_LENGTH - 1)}…` : oneLine;
}
