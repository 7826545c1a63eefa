import type { Caller } from '../auth/roles.ts';
import { NotFoundError, ValidationError } from '../errors.ts';

/** OPS and ADMIN see every user's logs and tickets; USER and HR only their own (DESIGN §7). */
export const ROLES_SEEING_EVERYONE: readonly Caller['role'][] = ['OPS', 'ADMIN'];
export const seesEveryone = (caller: Caller): boolean => ROLES_SEEING_EVERYONE.includes(caller.role);

/** HR never gets raw log text: not the entry's text, nor lines quoted in its summary (DESIGN §7). */
export const seesRawLogText = (caller: Caller): boolean => caller.role !== 'HR';

/**
 * Someone else's record is reported as missing, not forbidden, so ids cannot be probed for existence.
 */
export function assertCanRead(caller: Caller, ownerId: string, what: string): void {
  if (!canRead(caller, ownerId)) throw new NotFoundError(what);
}

/** Whether the caller may see a record of this owner. */
export const canRead = (caller: Caller, ownerId: string): boolean =>
  seesEveryone(caller) || ownerId === caller.userId;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireId(value: unknown, field = 'id'): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new ValidationError(field, 'must be an ID');
  return value;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

export function optionalIdempotencyKey(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY.test(value)) {
    throw new ValidationError('idempotencyKey', 'must be 1-128 characters of letters, digits and ._:-');
  }
  return value;
}
