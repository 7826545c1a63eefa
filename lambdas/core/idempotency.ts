/**
 * Idempotent create mutations (DESIGN §4): the same key from the same user returns the first result and
 * creates nothing new. A key is kept with a fingerprint of the request it was first used for, so a key reused
 * for a different request is refused (a `ValidationError` on `idempotencyKey`, as Stripe and the IETF
 * Idempotency-Key draft do) instead of answering the first result and losing the second request unseen.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from './errors.ts';

/** The create mutations that take an `idempotencyKey`, and what each creates (named in the refusal). */
const CREATES = {
  triageTicket: 'ticket',
  summarizeLog: 'log entry',
  createLogUpload: 'log entry',
  generateChangelog: 'changelog',
  createUser: 'user',
} as const;

export type IdempotentOperation = keyof typeof CREATES;

/** A key and the fingerprint of the request it comes with. */
export interface IdempotentRequest {
  key: string;
  /** `requestFingerprint` of the request as validated (and redacted, where the request is redacted). */
  fingerprint: string;
}

/**
 * Canonical JSON: object keys sorted, and a null or absent property dropped, because GraphQL treats an omitted
 * optional argument and an explicit null alike; the fingerprint must not tell them apart either.
 */
function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && !(value instanceof Date)) {
    const members = Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 (hex) of the request's canonical JSON. Give it what the user asked for, never what was made of it
 * (a model's text, a default date): a retry must fingerprint the same. Text that is redacted before storage is
 * given redacted, so no personal data is kept, even hashed.
 */
export function requestFingerprint(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request), 'utf8').digest('hex');
}

/** The key with its request's fingerprint; null without a key (nothing to hash: a log may be 5 MB). */
export function idempotentRequest(key: string | null, request: () => unknown): IdempotentRequest | null {
  return key === null ? null : { key, fingerprint: requestFingerprint(request()) };
}

/**
 * Whether a key already used may answer its first result: the same request, or a key stored before
 * fingerprints were (null), which keeps its earlier meaning.
 */
export function sameRequest(stored: string | null, request: IdempotentRequest): boolean {
  return stored === null || stored === request.fingerprint;
}

export function idempotencyKeyReused(operation: IdempotentOperation, resourceId: string): ValidationError {
  return new ValidationError(
    'idempotencyKey',
    `was already used for a different ${operation} request, which created ${CREATES[operation]} ${resourceId}; ` +
      'send a new key for a new request (repeat a key only to retry the same request)',
  );
}
