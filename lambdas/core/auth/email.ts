import { ValidationError } from '../errors.ts';

export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;

// Pragmatic address syntax (the WHATWG `type=email` rule): no quoted local parts, no IP literals, and a
// dotted domain, which is what real mailboxes use. Anything fancier is more likely an attack than a user.
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Trims and lower-cases an e-mail and checks its syntax. Lower-casing the local part is not strictly RFC
 * 5321, but treating `Ann@x.io` and `ann@x.io` as two accounts would be far more surprising.
 */
export function normalizeEmail(input: unknown, field = 'email'): string {
  if (typeof input !== 'string') throw new ValidationError(field, 'must be a string');
  const email = input.trim().toLowerCase();
  if (email.length === 0) throw new ValidationError(field, 'is required');
  if (email.length > MAX_EMAIL_LENGTH) {
    throw new ValidationError(field, `must be at most ${MAX_EMAIL_LENGTH} characters`);
  }
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const labels = domain.split('.');
  const valid =
    at > 0 &&
    local.length <= MAX_LOCAL_PART_LENGTH &&
    LOCAL_PART.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => DOMAIN_LABEL.test(label));
  if (!valid) throw new ValidationError(field, 'must be a valid e-mail address');
  return email;
}

/** The part before `@` of an already normalised address. */
export function localPartOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? email : email.slice(0, at);
}
