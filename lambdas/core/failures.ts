/**
 * What a failure means to the person who sees it. Domain errors carry their own safe message; a dependency that
 * is unreachable (connection refused, reset or timed out, the server shutting down or refusing connections, a
 * statement cancelled by its timeout) is a retryable "unavailable"; anything else is an internal error whose
 * text (SQL, parameters, stack) is never shown to a user: it goes to the logs, as `technicalDetail` gives it.
 * Codes are Node's socket errors, the postgres.js client's connection codes and standard SQLSTATEs, read from
 * the error and its causes (drizzle wraps driver errors in a "Failed query" error with the driver's as cause).
 */
import { AppError, describeError, ServiceUnavailableError } from './errors.ts';

/**
 * Codes that mean the server cannot be reached at all (the database guard marks it down on these): Node's socket
 * errors, postgres.js's connection codes, and SQLSTATEs admin_shutdown, crash_shutdown, cannot_connect_now.
 */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  '57P01',
  '57P02',
  '57P03',
]);

/** Besides those: a connection this client closed, too many connections, a statement cancelled by its timeout. */
const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  ...UNREACHABLE_CODES,
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  // idle_session_timeout, query_canceled (a statement timeout); too_many_connections is in class 53, below
  '57P05',
  '57014',
]);

/** SQLSTATE class 08: connection exception. */
const CONNECTION_EXCEPTION_CLASS = '08';
/**
 * SQLSTATE class 53, insufficient resources (disk_full, out_of_memory, too_many_connections, a configuration
 * limit), and io_error: the server is up but cannot do the work now, through no fault of the request. A login
 * on a full disk answered InternalError ("could not extend file …: No space left on device"); retrying after an
 * operator frees space works, and a job that meets it is retried, not failed.
 */
const INSUFFICIENT_RESOURCES_CLASS = '53';
const IO_ERROR = '58030';

/** The error and its causes, outermost first. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    chain.push(current);
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return chain;
}

const isConnectionException = (code: string): boolean =>
  code.length === 5 && code.startsWith(CONNECTION_EXCEPTION_CLASS);

/** Whether an error's own code says the server cannot be reached (not the causes: the guard sees driver errors). */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (UNREACHABLE_CODES.has(code) || isConnectionException(code));
}

const isUnavailableCode = (code: unknown): boolean =>
  typeof code === 'string' &&
  (UNAVAILABLE_CODES.has(code) ||
    isConnectionException(code) ||
    (code.length === 5 && code.startsWith(INSUFFICIENT_RESOURCES_CLASS)) ||
    code === IO_ERROR);

/** A dependency was unreachable or too slow: trying again later may work. */
export function isUnavailable(error: unknown): boolean {
  return causeChain(error).some(
    (link) =>
      link instanceof ServiceUnavailableError ||
      (typeof link === 'object' && link !== null && isUnavailableCode((link as { code?: unknown }).code)),
  );
}

/** The ServiceUnavailableError in the chain (a deadline's own message), or a generic one. */
export function unavailableError(error: unknown): ServiceUnavailableError {
  const own = causeChain(error).find((link) => link instanceof ServiceUnavailableError);
  return own instanceof ServiceUnavailableError ? own : new ServiceUnavailableError();
}

/** Texts a user may read about a job that failed for a reason other than its own input. */
export const SAFE_REASONS = {
  unavailable: 'The database was unavailable',
  internal: 'An internal error stopped the job (the details are in the worker logs)',
} as const;

/**
 * The text a user may read about a failure: a domain error's own message (written for the caller), a fixed
 * sentence for an unavailable dependency, and a fixed sentence for anything else.
 */
export function safeReason(error: unknown, isOwnMessage: (error: unknown) => boolean = isAppError): string {
  if (isUnavailable(error)) return SAFE_REASONS.unavailable;
  if (isOwnMessage(error)) return describeError(error);
  return SAFE_REASONS.internal;
}

const isAppError = (error: unknown): boolean => error instanceof AppError;

/**
 * The technical detail of a failure for logs and admins: error names, codes and messages along the cause chain,
 * with the SQL text and its parameters that drizzle puts in its "Failed query" message left out.
 */
export function technicalDetail(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    if (!(current instanceof Error)) {
      parts.push(describeError(current));
      break;
    }
    const code = (current as { code?: unknown }).code;
    const message = /^Failed query:/.test(current.message) ? 'query failed' : describeError(current);
    parts.push(`${current.name}${typeof code === 'string' ? ` ${code}` : ''}: ${message}`);
    current = current.cause;
  }
  return parts.join(' <- ');
}
