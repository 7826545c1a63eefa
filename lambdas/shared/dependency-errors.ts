/**
 * Which failures mean "the database cannot be reached right now" (retry soon) rather than a bug: connection
 * errors of postgres.js and Node's sockets, and the server's own "not now" answers. Drizzle wraps a driver
 * error as the `cause` of its own, so the whole cause chain is looked at.
 */
import { ServiceUnavailableError } from '../core/errors.ts';

/** postgres.js connection errors and Node socket errors. */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * SQLSTATEs: connection exceptions (class 08), admin/crash shutdown, "the database system is starting up",
 * idle-session timeout, too many connections.
 */
const UNAVAILABLE_STATES = /^(08...|57P01|57P02|57P03|57P05|53300)$/;

export const DATABASE_UNAVAILABLE_MESSAGE =
  'The database cannot be reached right now (a paused database takes about 15 seconds to resume). Retry in a few seconds.';

function codeOf(error: object): string | undefined {
  const code: unknown = 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** True when the error, or any error in its cause chain, says the database is unreachable for now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    if (current instanceof ServiceUnavailableError) return true;
    const code = codeOf(current);
    if (code && (CONNECTION_CODES.has(code) || UNAVAILABLE_STATES.test(code))) return true;
    current = 'cause' in current ? current.cause : undefined;
  }
  return false;
}

/** The retryable answer for an unreachable database. */
export function databaseUnavailable(cause?: unknown): ServiceUnavailableError {
  return new ServiceUnavailableError(DATABASE_UNAVAILABLE_MESSAGE, 5, { cause });
}
