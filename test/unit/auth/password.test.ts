import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { normalizeEmail } from '../../../lambdas/core/auth/email.ts';
import {
  checkPasswordPolicy,
  createBcryptHasher,
  oneAtATimeQueue,
  utf8Length,
} from '../../../lambdas/core/auth/password.ts';
import { ServiceUnavailableError, ValidationError } from '../../../lambdas/core/errors.ts';

const email = 'dana.scully@example.org';

function policyError(password: unknown, forEmail = email): ValidationError | null {
  try {
    checkPasswordPolicy(password, { email: forEmail });
    return null;
  } catch (error: unknown) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
}

describe('password policy', () => {
  it('accepts a reasonable passphrase and returns it NFC-normalised', () => {
    expect(checkPasswordPolicy('correct horse battery', { email })).toBe('correct horse battery');
    const decomposed = 'cre\u0301me bru\u0302le\u0301e!';
    expect(checkPasswordPolicy(decomposed, { email })).toBe(decomposed.normalize('NFC'));
  });

  it.each([
    ['too short', 'Sh0rt&sweet'],
    ['a single repeated character', 'aaaaaaaaaaaaaaaa'],
    ['too few different characters', 'abababababab1'],
    ['a straight sequence', 'abcdefghijklmn'],
    ['a common password', 'password1234'],
    ['a padded common word', 'Password2024!'],
    ['a leetspeak common word', 'P@ssw0rd!!2025'],
    ['a repeated common word', 'qwertyqwerty'],
    ['a keyboard walk from the breach lists', '1q2w3e4r5t6y'],
    ['the e-mail local part inside it', 'my-Dana.Scully-pass'],
    ['the whole e-mail', 'dana.scully@example.org'],
    ['a control character', 'tab\there-is-bad!'],
    ['not a string', 123456789012],
  ])('rejects %s, naming the password field', (_case, password) => {
    const error = policyError(password);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.field).toBe('password');
    if (typeof password === 'string' && password.length > 0) expect(error?.message).not.toContain(password);
  });

  it('rejects more than 72 UTF-8 bytes even when it is few characters (multi-byte)', () => {
    const emoji = '🔐'.repeat(19); // 19 characters, 76 bytes
    expect([...emoji].length).toBeLessThan(72);
    expect(utf8Length(emoji)).toBe(76);
    expect(policyError(emoji)?.message).toMatch(/72 bytes/);
    const accented = 'é'.repeat(37); // 74 bytes
    expect(policyError(accented)?.message).toMatch(/72 bytes/);
  });

  it('accepts exactly 72 bytes and nothing bcrypt would truncate', () => {
    const exactly = `${'ü'.repeat(30)}Xy12-abcdefg`; // 60 + 12 bytes
    expect(utf8Length(exactly)).toBe(72);
    expect(bcrypt.truncates(checkPasswordPolicy(exactly, { email }))).toBe(false);
  });

  it('ignores very short local parts that would match by accident', () => {
    expect(checkPasswordPolicy('my jolly banjo tune', { email: 'jo@example.org' })).toBe(
      'my jolly banjo tune',
    );
  });
});

describe('e-mail normalisation', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Dana.Scully@Example.ORG ')).toBe(email);
  });

  it.each([
    ['', 'is required'],
    ['no-at-sign', 'valid'],
    ['two@@example.org', 'valid'],
    ['dot.@example.org', 'valid'],
    ['space in@example.org', 'valid'],
    ['user@localhost', 'valid'],
    ['user@-bad-.org', 'valid'],
    [`${'a'.repeat(65)}@example.org`, 'valid'],
    [`user@${'a'.repeat(250)}.org`, 'at most 254'],
  ])('rejects %j with a ValidationError naming email', (input, message) => {
    expect(() => normalizeEmail(input)).toThrow(ValidationError);
    try {
      normalizeEmail(input);
    } catch (error: unknown) {
      expect(error).toMatchObject({ field: 'email' });
      expect(String((error as Error).message)).toContain(message);
    }
  });

  it('rejects a non-string', () => {
    expect(() => normalizeEmail(42)).toThrow(/email: must be a string/);
  });
});

describe('bcrypt hasher', () => {
  it('refuses a cost below 12', () => {
    expect(() => createBcryptHasher(10)).toThrow(RangeError);
  });

  it('hashes at the configured cost and makes a dummy hash of the same cost that matches nothing', async () => {
    const hasher = createBcryptHasher(12);
    const hash = await hasher.hash('correct horse battery');
    expect(bcrypt.getRounds(hash)).toBe(12);
    expect(await hasher.verify('correct horse battery', hash)).toBe(true);
    expect(await hasher.verify('correct horse batterz', hash)).toBe(false);
    const dummy = await hasher.dummyHash();
    expect(bcrypt.getRounds(dummy)).toBe(12);
    expect(await hasher.dummyHash()).toBe(dummy);
    expect(hasher.needsRehash(hash)).toBe(false);
    expect(hasher.needsRehash('$2b$10$abcdefghijklmnopqrstuuJ0vVbV9yPzV1w7S4j8ZcP1RZ1uQ2jGy')).toBe(true);
    expect(await hasher.verify('anything', 'not-a-bcrypt-hash')).toBe(false);
  });

  it('answers a comparison that could not run as unavailable, not as a wrong password to count against the account', async () => {
    const failing = (error: Error) => ({
      hash: async () => Promise.reject(error),
      compare: async () => Promise.reject(error),
    });
    const outOfTime = new ServiceUnavailableError('The request ran out of time', 5);
    await expect(
      createBcryptHasher(12, failing(outOfTime)).verify('correct horse battery', '$2b$12$x'),
    ).rejects.toBe(outOfTime);
    // bcrypt's own refusal of a corrupt stored hash still reads as a wrong password.
    const corrupt = new Error('bcrypt: Invalid salt version: 2q');
    expect(await createBcryptHasher(12, failing(corrupt)).verify('correct horse battery', '$2q$')).toBe(
      false,
    );
  });

  it('makes its dummy hash without a bcrypt computation, so a cold start does not delay the first login', async () => {
    const calls: string[] = [];
    const counting = {
      hash: async (password: string, cost: number) => {
        calls.push('hash');
        return bcrypt.hash(password, cost);
      },
      compare: async (password: string, hash: string) => {
        calls.push('compare');
        return bcrypt.compare(password, hash);
      },
    };
    const hasher = createBcryptHasher(12, counting);
    const dummy = await hasher.dummyHash();
    expect(calls).toEqual([]);
    expect(dummy).toMatch(/^\$2b\$12\$[./A-Za-z0-9]{53}$/);
    expect(await hasher.verify('correct horse battery', dummy)).toBe(false);
    expect(calls).toEqual(['compare']);
  });

  it('runs one password computation at a time, so concurrent logins never share the event loop slice by slice', async () => {
    const queue = oneAtATimeQueue();
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const runs = [0, 1, 2].map((i) =>
      queue(
        () =>
          new Promise<number>((resolve) => {
            started.push(i);
            finish.push(() => resolve(i));
          }),
      ),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0]);
    finish[0]?.();
    await runs[0];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    finish[1]?.();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    finish[2]?.();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    // A failed computation does not stop the ones after it.
    await expect(queue(() => Promise.reject(new Error('corrupt')))).rejects.toThrow('corrupt');
    expect(await queue(() => Promise.resolve('next'))).toBe('next');
  });
});
