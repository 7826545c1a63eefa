export interface BackoffPolicy {
  /** Delay cap of the first retry; doubles with each further attempt. */
  baseSeconds: number;
  /** No retry waits longer than this. */
  maxSeconds: number;
}

/** SQS refuses visibility timeouts above 12 hours. */
export const MAX_RETRY_DELAY_SECONDS = 43_200;

/**
 * Exponential backoff with full jitter (a uniformly random wait up to the exponential cap), which spreads
 * retries of jobs that failed together, e.g. during a provider outage. Whole seconds, as SQS wants.
 */
export function fullJitterDelaySeconds(
  failedAttempts: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.floor(failedAttempts) - 1);
  const ceiling = Math.min(policy.maxSeconds, MAX_RETRY_DELAY_SECONDS);
  const cap = Math.max(0, Math.min(ceiling, policy.baseSeconds * 2 ** Math.min(exponent, 30)));
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.min(Math.floor(draw * (cap + 1)), Math.floor(cap));
}
