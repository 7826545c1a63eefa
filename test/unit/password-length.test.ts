import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy } from '../../lambdas/core/auth/password.ts';
import { PASSWORD_MIN_CHARACTERS, passwordCharacters } from '../../lambdas/core/auth/password-length.ts';
import { newPasswordTooShort } from '../../web/src/components/new-password.ts';

const refusedAsShort = (password: string): boolean => {
  try {
    checkPasswordPolicy(password, { email: 'someone@example.com' });
    return false;
  } catch (error: unknown) {
    return error instanceof Error && /at least \d+ characters/.test(error.message);
  }
};

describe('the password minimum the console checks', () => {
  it('is the server policy’s, counted the same way (accents typed decomposed, emoji)', () => {
    const candidates = [
      'Violet-Harb',
      'Violet-Harbo',
      // "é" typed as e + combining accent: one character once normalised, as the server counts it.
      'Vi\u0301olet-Harb',
      'Vi\u0301olet-Harbo',
      '🌋🌊Violet-Ha',
      '🌋🌊Violet-Har',
    ];
    for (const password of candidates) {
      expect(newPasswordTooShort(password) !== null, password).toBe(refusedAsShort(password));
    }
    expect(passwordCharacters('Vi\u0301olet-Harbo')).toBe(PASSWORD_MIN_CHARACTERS);
  });
});
