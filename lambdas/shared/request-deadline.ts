/**
 * A request deadline that every await of the request can see (AsyncLocalStorage). The database guard
 * (adapters/db/guard.ts) refuses statements once it has passed and cancels the ones still waiting for a
 * connection, so a request that was answered "ServiceUnavailable" does no work afterwards (no zombie writes
 * when the database comes back). AppSync gives a resolver 30 s; a handler takes what its Lambda context has
 * left, less a margin, so it answers before AppSync or the local endpoint gives up.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DEADLINE_MESSAGE, ServiceUnavailableError } from '../core/errors.ts';

export class Deadline {
  readonly expiresAt: number;
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;

  constructor(ms: number) {
    this.expiresAt = Date.now() + ms;
    this.#timer = setTimeout(() => this.#controller.abort(), Math.max(0, ms));
    this.#timer.unref();
  }

  /**
   * Ends the request now with `error` instead of at the deadline: the database guard does this when the server
   * stopped answering a statement the request is waiting on, so the caller need not wait out the deadline.
   */
  fail(error: Error): void {
    this.#controller.abort(error);
  }

  /** Aborted when the deadline passes (or `fail` ends it early, with its error as the reason). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get expired(): boolean {
    return this.#controller.signal.aborted || Date.now() >= this.expiresAt;
  }

  remainingMs(): number {
    return Math.max(0, this.expiresAt - Date.now());
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}

const store = new AsyncLocalStorage<Deadline>();

/** The deadline of the request this code runs for, if any. */
export const currentDeadline = (): Deadline | undefined => store.getStore();

export const deadlineExceeded = (): ServiceUnavailableError =>
  new ServiceUnavailableError(DEADLINE_MESSAGE, 5);

/**
 * Runs `work` under a deadline of `ms`: its answer, or a `ServiceUnavailableError` as soon as the deadline
 * passes (the work may still be running; the database guard stops its statements).
 */
export async function withDeadline<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const deadline = new Deadline(ms);
  try {
    return await store.run(deadline, () => raceDeadline(work(), deadline));
  } finally {
    deadline.clear();
  }
}

function raceDeadline<T>(promise: Promise<T>, deadline: Deadline): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(
        deadline.signal.reason instanceof ServiceUnavailableError
          ? deadline.signal.reason
          : deadlineExceeded(),
      );
    if (deadline.signal.aborted) onAbort();
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => deadline.signal.removeEventListener('abort', onAbort));
  });
}

/** Time a handler may spend: what the Lambda context has left less `marginMs`, at most `capMs`. */
export function requestBudgetMs(
  context: { getRemainingTimeInMillis(): number },
  capMs: number,
  marginMs = 2_000,
): number {
  const remaining = context.getRemainingTimeInMillis() - marginMs;
  return Math.max(1_000, Math.min(capMs, remaining));
}
