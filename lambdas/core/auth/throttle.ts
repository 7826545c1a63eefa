/**
 * Per-account login backoff. Every attempt is counted as a failure when it starts and the count is cleared
 * on success, so N parallel guesses cannot all slip in before the first failure is written. The key is a
 * hash of the normalised e-mail, so unknown and known accounts are throttled identically.
 */
import { createHash } from 'node:crypto';
import type { ThrottleState } from './ports.ts';

export interface LockoutPolicy {
  /** Consecutive failures allowed before attempts are refused. */
  maxFailures: number;
  /** Lock after the N-th failure; doubles with every further failure. */
  baseDelaySeconds: number;
  /** Cap, so an attacker can keep a real user out for minutes, not days. */
  maxDelaySeconds: number;
  /** Failures older than this are forgotten. Must exceed maxDelaySeconds. */
  failureWindowSeconds: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = {
  maxFailures: 5,
  baseDelaySeconds: 30,
  maxDelaySeconds: 300,
  failureWindowSeconds: 3600,
};

export function throttleKey(normalizedEmail: string): string {
  return createHash('sha256').update(`login:${normalizedEmail}`).digest('hex');
}

/** The throttle of one client that proved an earlier sign-in (its device token's id). */
export function deviceThrottleKey(deviceId: string): string {
  return createHash('sha256').update(`login-device:${deviceId}`).digest('hex');
}

export function lockDelaySeconds(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.maxFailures) return 0;
  const exponent = Math.min(failures - policy.maxFailures, 30);
  return Math.min(policy.baseDelaySeconds * 2 ** exponent, policy.maxDelaySeconds);
}

export type AttemptGate = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** The state transition for one login attempt: refuse while locked, otherwise count it and maybe lock. */
export function beginAttempt(
  state: ThrottleState,
  now: Date,
  policy: LockoutPolicy,
): { next: ThrottleState; result: AttemptGate } {
  if (state.lockedUntil && state.lockedUntil.getTime() > now.getTime()) {
    const retryAfterSeconds = Math.max(1, Math.ceil((state.lockedUntil.getTime() - now.getTime()) / 1000));
    return { next: state, result: { allowed: false, retryAfterSeconds } };
  }
  const stale =
    !state.lastFailureAt ||
    now.getTime() - state.lastFailureAt.getTime() > policy.failureWindowSeconds * 1000;
  const failures = (stale ? 0 : state.failures) + 1;
  const delay = lockDelaySeconds(failures, policy);
  return {
    next: {
      failures,
      lastFailureAt: now,
      lockedUntil: delay > 0 ? new Date(now.getTime() + delay * 1000) : null,
    },
    result: { allowed: true },
  };
}
