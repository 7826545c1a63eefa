/**
 * Our retry around one model call. The SDK's own retries are off (its defaults, 2 retries with a 10-minute
 * timeout, would outlive a Lambda); here every attempt and every wait fits a deadline the caller sets.
 */
import { fullJitterDelaySeconds } from '../jobs/backoff.ts';
import { LlmError } from './ports.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Cap of the first backoff wait (ms); doubles per failed attempt. */
  baseDelayMs: number;
  /** No wait is longer than this (ms). */
  maxDelayMs: number;
  /** Wall-clock budget (ms) of all attempts and waits together. */
  budgetMs: number;
}

export interface RetryClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const systemRetryClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * The wait before the next attempt: full jitter over the exponential cap, but never less than the
 * provider's Retry-After (waiting less only earns another 429). `fullJitterDelaySeconds` is unit-agnostic
 * below its 43,200 ceiling, so it is fed milliseconds here.
 */
export function retryDelayMs(
  failedAttempts: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number {
  const jitter = fullJitterDelaySeconds(
    failedAttempts,
    { baseSeconds: policy.baseDelayMs, maxSeconds: Math.min(policy.maxDelayMs, 43_200) },
    random,
  );
  return retryAfterMs !== null && retryAfterMs > jitter ? retryAfterMs : jitter;
}

/** Parses Retry-After (seconds or an HTTP date) or retry-after-ms into milliseconds; null when absent or bad. */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  now: number = Date.now(),
): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * Runs `attempt` until it succeeds, fails with an error that retrying cannot help, runs out of attempts, or
 * the next wait would pass the deadline. The error thrown carries how many attempts were made.
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number, remainingMs: number) => Promise<T>,
  policy: RetryPolicy,
  clock: RetryClock = systemRetryClock,
  onRetry?: (error: LlmError, delayMs: number) => void,
): Promise<T> {
  const deadline = clock.now() + policy.budgetMs;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n, Math.max(0, deadline - clock.now()));
    } catch (error: unknown) {
      const failure =
        error instanceof LlmError
          ? error
          : new LlmError('client', error instanceof Error ? error.message : String(error), { cause: error });
      failure.attempts = n;
      if (!failure.retryable || n >= policy.maxAttempts) throw failure;
      const delay = retryDelayMs(n, policy, failure.retryAfterMs, clock.random);
      // Waiting past the deadline would only end in the Lambda's timeout: give up now, with the reason.
      if (clock.now() + delay >= deadline) throw failure;
      onRetry?.(failure, delay);
      await clock.sleep(delay);
    }
  }
}
