/**
 * Every `errorType` the API sends (DESIGN §3) as a sentence a person can act on. The server's own message is
 * kept as the detail when it says something useful (which field, which limit), and replaces the sentence when
 * it is itself one written for a person (`describeError`); never for an internal error.
 */
import type { CombinedError } from 'urql';

export type ErrorType =
  | 'ValidationError'
  | 'Unauthorized'
  /** AppSync's HTTP 401, the whole request refused (no or invalid credentials). */
  | 'UnauthorizedException'
  | 'Forbidden'
  | 'NotFound'
  | 'ConflictError'
  | 'RateLimited'
  | 'ServiceUnavailable'
  | 'InternalError'
  | 'NetworkError';

export interface ApiError {
  errorType: ErrorType | string;
  message: string;
}

const SENTENCES: Record<ErrorType, string> = {
  ValidationError: 'Please check what you entered.',
  Unauthorized: 'You are not signed in, or not allowed to see this.',
  UnauthorizedException: 'You are not signed in, or your sign-in has expired. Sign in again.',
  Forbidden: 'Your role does not allow this. Ask an admin if you need it.',
  NotFound: 'Not found: it may have been deleted, or it belongs to someone else.',
  ConflictError: 'Someone else changed this in the meantime.',
  RateLimited: 'Too many attempts. Wait a moment, then try again.',
  ServiceUnavailable: 'The service is busy or starting up. Try again in a few seconds.',
  InternalError: 'Something went wrong on our side. It has been logged; please try again.',
  NetworkError: 'The API cannot be reached. Check your connection and try again.',
};

/** Server messages worth showing as they are: they name the field, the limit or the reason. */
const DETAILED: ReadonlySet<string> = new Set([
  'ValidationError',
  'ConflictError',
  'RateLimited',
  'Forbidden',
  'Unauthorized',
]);

export function sentenceFor(errorType: string): string {
  return SENTENCES[errorType as ErrorType] ?? SENTENCES.InternalError;
}

/**
 * AppSync's own wording for a denied field, an invalid document or an invalid variable (`Variable "$input" got
 * invalid value "not a url" at "input.repositoryUrl"; …`, which led the notice as if it were a sentence): correct,
 * but not written for a person, so the type's sentence leads and these follow as the detail.
 */
const MACHINE_WORDING = /^(Not Authorized to access |Validation error of type |Variable "\$)/;

/**
 * A server message written for a person, such as "An account with this email already exists" or "Invalid email
 * or password": a sentence of its own (a capital first letter), not a field path ("title: must not be empty")
 * nor AppSync's wording. It says more than the type's sentence, which would only contradict or repeat it.
 */
function isOwnSentence(message: string): boolean {
  return /^\p{Lu}/u.test(message) && !MACHINE_WORDING.test(message);
}

const asSentence = (message: string): string => (/[.!?]$/.test(message) ? message : `${message}.`);

/**
 * The sentence and, when informative, the server's words: a server message that is a sentence for a person
 * stands alone (a duplicate e-mail showed "Someone else changed this in the meantime." above "An account with
 * this email already exists", a wrong password "You are not signed in…" above "Invalid email or password").
 */
export function describeError(error: ApiError): { title: string; detail: string | null } {
  if (!DETAILED.has(error.errorType) || !error.message)
    return { title: sentenceFor(error.errorType), detail: null };
  if (isOwnSentence(error.message)) return { title: asSentence(error.message), detail: null };
  return { title: sentenceFor(error.errorType), detail: error.message };
}

/** AppSync puts `errorType` beside `message`; urql keeps the raw error object as `originalError`. */
function errorTypeOf(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const value = (raw as { errorType?: unknown }).errorType;
  return typeof value === 'string' ? value : undefined;
}

export function apiErrorsOf(error: CombinedError): ApiError[] {
  if (error.networkError && error.graphQLErrors.length === 0) {
    return [{ errorType: 'NetworkError', message: error.networkError.message }];
  }
  return error.graphQLErrors.map((e) => ({
    errorType: errorTypeOf(e.extensions) ?? errorTypeOf(e.originalError) ?? errorTypeOf(e) ?? 'InternalError',
    message: e.message,
  }));
}

/**
 * The request never reached the API (the server stopped, the network dropped): worth asking again by itself,
 * unlike an answer that refused it.
 */
export function isUnreachable(error: CombinedError | undefined): boolean {
  return error?.networkError !== undefined && error.graphQLErrors.length === 0;
}

export function firstApiError(error: CombinedError | undefined): ApiError | null {
  return error ? (apiErrorsOf(error)[0] ?? null) : null;
}

/** Raised by the plain fetch used for the API-key operations (signup, login, refreshToken). */
export class ApiRequestError extends Error implements ApiError {
  readonly errorType: string;
  constructor(errorType: string, message: string) {
    super(message);
    this.name = 'ApiRequestError';
    this.errorType = errorType;
  }
}

/** Anything a request threw, as an ApiError to show (an unexpected failure becomes an InternalError). */
export function asApiError(caught: unknown): ApiError {
  return caught instanceof ApiRequestError
    ? caught
    : { errorType: 'InternalError', message: caught instanceof Error ? caught.message : '' };
}
