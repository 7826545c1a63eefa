/**
 * The time a unit of work (one job record) may take, carried with the async call chain so that a model call
 * deep inside a use case can fit its retries into it without every layer passing it along. The worker sets
 * it per record from the Lambda context; outside a record there is no deadline.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<number>();

/** Runs `work` with a deadline (epoch ms); a nested call can only shorten it. */
export function withDeadline<T>(deadlineMs: number, work: () => Promise<T>): Promise<T> {
  const outer = current.getStore();
  return current.run(outer === undefined ? deadlineMs : Math.min(outer, deadlineMs), work);
}

/** Milliseconds left before the current deadline (never negative), or undefined outside one. */
export function timeLeftMs(now: number = Date.now()): number | undefined {
  const deadline = current.getStore();
  return deadline === undefined ? undefined : Math.max(0, deadline - now);
}

/** Kept back from the function's timeout for the bookkeeping after the last record (status, metrics). */
export const RECORD_RESERVE_MS = 3000;

/**
 * A record's share of what is left of the invocation: the time left (less the reserve) divided evenly among
 * the records still to run, so an early slow record cannot starve the later ones into the timeout.
 */
export function recordDeadline(remainingInvocationMs: number, recordsLeft: number, now: number): number {
  const usable = Math.max(0, remainingInvocationMs - RECORD_RESERVE_MS);
  return now + Math.floor(usable / Math.max(1, recordsLeft));
}
