/**
 * The password policy's minimum length, apart from the rest of the policy (password.ts, which needs bcrypt and
 * node:crypto) so that the web console imports the same number and checks it before sending: a short password
 * was refused only by the server. docs/auth.md explains the rule.
 */
export const PASSWORD_MIN_CHARACTERS = 12;

/** Characters as the policy counts them: code points of the NFC form (an emoji is one, as a person counts). */
export function passwordCharacters(password: string): number {
  return [...password.normalize('NFC')].length;
}
