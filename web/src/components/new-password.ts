import { PASSWORD_MIN_CHARACTERS, passwordCharacters } from '../../../lambdas/core/auth/password-length.ts';

/** The policy's minimum, said under a new-password field. */
export const NEW_PASSWORD_HINT = `At least ${PASSWORD_MIN_CHARACTERS} characters; not a common password and not your e-mail name.`;

/**
 * Why a new password is too short, or null: checked before sending, with the server's own minimum
 * (lambdas/core/auth/password-length.ts), since the server refused it only after a round trip. The rest of the
 * policy (common passwords, the e-mail name) stays the server's: its lists are not worth shipping to the page.
 */
export function newPasswordTooShort(password: string): string | null {
  const count = passwordCharacters(password);
  return count >= PASSWORD_MIN_CHARACTERS
    ? null
    : `Use at least ${PASSWORD_MIN_CHARACTERS} characters (this one has ${count}).`;
}
