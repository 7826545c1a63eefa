import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { ServiceUnavailableError, ValidationError } from '../errors.ts';
import { utf8Length } from '../text.ts';
import { localPartOf } from './email.ts';
import { PASSWORD_MIN_CHARACTERS } from './password-length.ts';

/** Policy limits; docs/auth.md explains each rule. The minimum length is shared with the web console. */
export { PASSWORD_MIN_CHARACTERS };
/** bcrypt only reads the first 72 bytes: a longer password would silently lose its tail. */
export const PASSWORD_MAX_BYTES = 72;
const PASSWORD_MIN_DISTINCT_CHARACTERS = 5;
/** Login input larger than this is rejected before any work (it could never have been set by signup). */
export const PASSWORD_MAX_INPUT_CHARACTERS = 1024;
export const MIN_BCRYPT_COST = 12;

/**
 * Words that people pad with digits and symbols ("Password2024!", "p@ssw0rd1234"). A password whose core,
 * once padding and leetspeak are removed, is one of these (or a repetition of one) is refused.
 */
const COMMON_BASES = new Set([
  'password',
  'passwort',
  'qwerty',
  'qwertz',
  'azerty',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  'asdf',
  'qwer',
  'letmein',
  'welcome',
  'admin',
  'administrator',
  'root',
  'login',
  'iloveyou',
  'monkey',
  'dragon',
  'football',
  'baseball',
  'soccer',
  'sunshine',
  'princess',
  'master',
  'superman',
  'batman',
  'shadow',
  'starwars',
  'whatever',
  'freedom',
  'changeme',
  'secret',
  'default',
  'hello',
  'trustno',
  'abc',
  'abcd',
  'abcdef',
  'abcdefg',
  'abcdefgh',
  'test',
  'tester',
  'testing',
  'guest',
  'user',
  'summer',
  'winter',
  'spring',
  'autumn',
  'michael',
  'jennifer',
  'charlie',
  'pokemon',
  'computer',
  'internet',
  'samsung',
  'google',
  'pass',
  'aiops',
  'ai-ops',
]);

/** Whole passwords of 12+ characters that top the breach lists and are not caught by the rules above. */
const COMMON_PASSWORDS = new Set([
  '1q2w3e4r5t6y',
  '1q2w3e4r5t6y7u',
  '1qaz2wsx3edc',
  '1qaz2wsx3edc4rfv',
  'qazwsxedcrfv',
  'zaq12wsxcde3',
  'zaq1zaq1zaq1',
  'qwe123qwe123',
  'aa123456789',
  'a1b2c3d4e5f6',
  'q1w2e3r4t5y6',
  '1a2b3c4d5e6f',
  'asdfqwerzxcv',
  'qweasdzxc123',
  '123qweasdzxc',
  '!qaz@wsx#edc',
]);

const TRIM_PADDING = /^[\d\s!#%^&*()_+=.,?~`'"/\\|<>:;[\]{}-]+|[\d\s!#%^&*()_+=.,?~`'"/\\|<>:;[\]{}-]+$/g;
const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '0': 'o',
  '1': 'i',
  '!': 'i',
  '3': 'e',
  $: 's',
  '5': 's',
  '7': 't',
};
const CONTROL_CHARACTER = /\p{Cc}/u;

export { utf8Length };

/**
 * Unicode NFC so that the same password typed on two keyboards (composed vs decomposed accents) hashes the
 * same. Applied at signup and at login alike.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFC');
}

function isCommon(lower: string): boolean {
  if (COMMON_PASSWORDS.has(lower)) return true;
  const core = lower
    .replace(TRIM_PADDING, '')
    .split('')
    .map((c) => LEET[c] ?? c)
    .join('');
  if (core.length === 0) return true;
  for (const base of COMMON_BASES) {
    if (core.length % base.length === 0 && base.repeat(core.length / base.length) === core) return true;
  }
  return false;
}

/** "abcdefghijkl", "987654321098": every step moves one code point the same way. */
function isStraightSequence(chars: string[]): boolean {
  const codes = chars.map((c) => c.codePointAt(0) ?? 0);
  const steps = new Set<number>();
  for (let i = 1; i < codes.length; i += 1) steps.add((codes[i] ?? 0) - (codes[i - 1] ?? 0));
  if (steps.size !== 1) return false;
  const [step] = [...steps];
  return step === 1 || step === -1;
}

/**
 * Checks a new password against the policy and returns the normalised form to hash. Every failure is a
 * ValidationError naming `password`; the message says what to change, never echoes the password.
 */
export function checkPasswordPolicy(password: unknown, context: { email: string; field?: string }): string {
  const fail = (message: string) => new ValidationError(context.field ?? 'password', message);
  if (typeof password !== 'string') throw fail('must be a string');
  if (password.length > PASSWORD_MAX_INPUT_CHARACTERS)
    throw fail(`must be at most ${PASSWORD_MAX_BYTES} bytes`);
  const normalized = normalizePassword(password);
  if (CONTROL_CHARACTER.test(normalized)) throw fail('must not contain control characters');
  const chars = [...normalized];
  if (chars.length < PASSWORD_MIN_CHARACTERS) {
    throw fail(`must be at least ${PASSWORD_MIN_CHARACTERS} characters`);
  }
  if (utf8Length(normalized) > PASSWORD_MAX_BYTES || bcrypt.truncates(normalized)) {
    throw fail(`must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8 (accented letters and emoji count 2-4)`);
  }
  if (new Set(chars).size < PASSWORD_MIN_DISTINCT_CHARACTERS) {
    throw fail(`must contain at least ${PASSWORD_MIN_DISTINCT_CHARACTERS} different characters`);
  }
  if (isStraightSequence(chars)) throw fail('must not be a simple sequence of characters');
  const lower = normalized.toLowerCase();
  const email = context.email.toLowerCase();
  const local = localPartOf(email);
  if (lower === email || (local.length >= 3 && lower.includes(local))) {
    throw fail('must not contain your e-mail address');
  }
  if (isCommon(lower)) throw fail('is too common; choose a less predictable password');
  return normalized;
}

/** Hashing port, so use cases can be tested with a fast fake while production always uses bcrypt. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** A hash at the same cost that matches no password, compared for unknown users to equalise timing. */
  dummyHash(): Promise<string>;
  /** True when a stored hash uses a lower cost than the current one, so login should re-hash it. */
  needsRehash(hash: string): boolean;
}

/**
 * Where bcrypt's work runs. In a Lambda container (one request at a time) it runs on the calling thread; the local
 * server, which serves every request from one process, runs it on a pool of worker threads (local/bcrypt-pool.ts)
 * so a flood of logins never holds up the event loop that every other request shares (docs/auth.md).
 */
export interface BcryptCompute {
  hash(password: string, cost: number): Promise<string>;
  compare(password: string, hash: string): Promise<boolean>;
}

/**
 * bcryptjs computes on the calling thread in slices of up to 100 ms, yielding with setImmediate between them, so
 * every computation in progress runs a slice on each turn of the event loop: N at once hold the loop for N x 100 ms
 * before any I/O is served. Computations on one thread gain nothing from running together, so each process runs
 * one at a time: the loop waits one slice at most.
 */
export function oneAtATimeQueue(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  };
}

const oneAtATime = oneAtATimeQueue();

/** bcrypt on the calling thread, one computation at a time per process: right where one request runs at a time. */
export const inProcessBcrypt: BcryptCompute = {
  hash: (password, cost) => oneAtATime(() => bcrypt.hash(password, cost)),
  compare: (password, hash) => oneAtATime(() => bcrypt.compare(password, hash)),
};

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A well-formed bcrypt hash of the given cost with a random salt and a random digest. Comparing a password with it
 * costs exactly what comparing with a real hash costs (bcrypt recomputes the digest from the salt and cost), and
 * it matches no password (a 184-bit digest chosen at random). Hashing a random password instead cost a whole
 * bcrypt computation (0.25-0.3 s at cost 12) on every cold start, which the first login then waited for.
 */
export function unmatchableHash(cost: number): string {
  const chars = Array.from(randomBytes(53), (byte) => BCRYPT_ALPHABET.charAt(byte % 64)).join('');
  return `$2b$${String(cost).padStart(2, '0')}$${chars}`;
}

export function createBcryptHasher(cost: number, compute: BcryptCompute = inProcessBcrypt): PasswordHasher {
  if (!Number.isInteger(cost) || cost < MIN_BCRYPT_COST || cost > 31) {
    throw new RangeError(`bcrypt cost must be an integer from ${MIN_BCRYPT_COST} to 31`);
  }
  let dummy: string | undefined;
  return {
    hash: (password) => compute.hash(password, cost),
    verify: async (password, hash) => {
      try {
        return await compute.compare(password, hash);
      } catch (error: unknown) {
        // The comparison did not happen (the request ran out of time waiting for a thread, the thread died):
        // that is no wrong password, and must not be counted or audited as one.
        if (error instanceof ServiceUnavailableError) throw error;
        // A corrupt stored hash must read as "wrong password", never as a crash that reveals the account.
        return false;
      }
    },
    dummyHash: async () => {
      dummy ??= unmatchableHash(cost);
      return dummy;
    },
    needsRehash: (hash) => {
      try {
        return bcrypt.getRounds(hash) < cost;
      } catch {
        return true;
      }
    },
  };
}
