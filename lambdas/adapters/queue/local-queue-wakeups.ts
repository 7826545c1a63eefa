/**
 * Long polling for the local queue: a consumer that found nothing waits until the queue is notified instead of
 * polling it. One connection per process (or worker thread) runs `LISTEN` on the channel every local queue
 * notifies (`LOCAL_QUEUE_CHANNEL`, local-queue.ts); NOTIFY reaches every session of the database, so a message
 * sent by the API's thread, another worker thread or another process wakes the consumers that wait for its queue.
 *
 * A consumer takes a ticket *before* it receives and waits on that ticket: a notification that arrives between
 * its empty receive and the start of its wait has already moved the ticket's count, and the wait returns at once.
 * Without a listening connection there is no ticket, and the consumer polls at its interval, as before: at
 * start, and from the moment the connection drops (database restarted or gone) until `LISTEN` runs again. When
 * it does, every ticket is spent, so each consumer receives once more and finds whatever was sent unheard.
 *
 * Built on postgres.js's own notification hook rather than `sql.listen`: `sql.listen` reconnects and calls its
 * `onlisten` again after a drop, but says nothing when the connection drops, and a consumer must know that to
 * fall back to polling meanwhile (a notification sent in the gap is never delivered).
 */
import postgres from 'postgres';
import { CONNECTION_LIMITS, sessionSettings } from '../db/client.ts';
import { LOCAL_QUEUE_CHANNEL } from './local-queue.ts';

/** What a consumer holds from before its receive until its wait. */
export interface WakeTicket {
  readonly queueName: string;
  /** Notifications of the queue seen when the ticket was taken. */
  readonly notified: number;
  /** Drops and re-listens of the connection seen when the ticket was taken. */
  readonly epoch: number;
}

export interface QueueWakeups {
  /** A ticket for a receive about to be made, or null while not listening (poll at your interval then). */
  ticket(queueName: string): WakeTicket | null;
  /**
   * Resolves once the ticket's queue is notified after the ticket was taken (at once if it already was), the
   * connection drops or listens again, `ms` pass, or `signal` aborts. Without a ticket (not listening), only
   * the last three: a consumer polling meanwhile goes back to waiting as soon as notifications are back.
   */
  wait(ticket: WakeTicket | null, ms: number, signal: AbortSignal): Promise<void>;
  /** Whether `LISTEN` is in effect on a live connection. */
  readonly listening: boolean;
  close(): Promise<void>;
}

export interface WakeupsLog {
  info(message: string, details: Record<string, unknown>): void;
}

export interface QueueWakeupsOptions {
  url: string;
  /** Pause before `LISTEN` is tried again after the connection dropped or an attempt failed (default 1 s). */
  retryMs?: number;
  log?: WakeupsLog;
}

/**
 * postgres.js hands every NOTIFY a connection receives to its `onnotify` option: what its own `sql.listen` is
 * built on (src/index.js), read by its option parser but missing from its type declarations.
 */
interface ListenClientOptions extends postgres.Options<Record<string, postgres.PostgresType>> {
  onnotify: (channel: string, payload: string) => void;
}

interface Waiter {
  /** Null: woken only when the connection drops or listens again. */
  queueName: string | null;
  wake: () => void;
}

/** setTimeout's largest delay; a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function listenForQueueWakeups(options: QueueWakeupsOptions): QueueWakeups {
  return new PostgresQueueWakeups(options);
}

class PostgresQueueWakeups implements QueueWakeups {
  readonly #client: postgres.Sql;
  readonly #retryMs: number;
  readonly #log: WakeupsLog | undefined;
  readonly #notified = new Map<string, number>();
  readonly #waiters = new Set<Waiter>();
  #epoch = 0;
  #listening = false;
  /** Whether it listened once: the first `LISTEN` is no news, one after a drop is. */
  #everListened = false;
  #attempt: Promise<void> | null = null;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: QueueWakeupsOptions) {
    this.#retryMs = options.retryMs ?? 1_000;
    this.#log = options.log;
    const clientOptions: ListenClientOptions = {
      max: 1,
      // A LISTEN lives as long as its session: the connection must never be closed for idling or for its age.
      idle_timeout: 0,
      max_lifetime: null,
      connect_timeout: CONNECTION_LIMITS.connectTimeoutSeconds,
      fetch_types: false,
      onnotice: () => {},
      connection: sessionSettings(),
      onnotify: (channel, payload) => this.#onNotify(channel, payload),
      // Also called for a connection attempt that failed: the attempt's own rejection retries it then.
      onclose: () => this.#onDrop(),
    };
    this.#client = postgres(options.url, clientOptions);
    this.#listen();
  }

  get listening(): boolean {
    return this.#listening;
  }

  ticket(queueName: string): WakeTicket | null {
    if (!this.#listening) return null;
    return { queueName, notified: this.#notified.get(queueName) ?? 0, epoch: this.#epoch };
  }

  wait(ticket: WakeTicket | null, ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted || (ticket && this.#spent(ticket))) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const waiter: Waiter = { queueName: ticket?.queueName ?? null, wake: done };
      const timer = setTimeout(done, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
      signal.addEventListener('abort', done, { once: true });
      this.#waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listening = false;
    clearTimeout(this.#retryTimer);
    this.#wakeAll();
    await this.#client.end({ timeout: 0 }).catch(() => {});
  }

  #spent(ticket: WakeTicket): boolean {
    return (
      !this.#listening ||
      ticket.epoch !== this.#epoch ||
      (this.#notified.get(ticket.queueName) ?? 0) !== ticket.notified
    );
  }

  #listen(): void {
    if (this.#closed || this.#attempt) return;
    this.#attempt = this.#client
      .unsafe(`listen ${LOCAL_QUEUE_CHANNEL}`)
      .then(() => {
        this.#attempt = null;
        if (this.#closed) return;
        this.#listening = true;
        // Whatever was sent while nobody listened is in the table: every waiting consumer receives once more.
        this.#epoch += 1;
        this.#wakeAll();
        if (this.#everListened) this.#log?.info('Local queue notifications are back', {});
        this.#everListened = true;
      })
      .catch(() => {
        this.#attempt = null;
        this.#retryLater();
      });
  }

  #onDrop(): void {
    if (this.#closed) return;
    if (this.#listening) {
      this.#log?.info('Local queue notifications stopped; consumers poll until they are back', {});
    }
    this.#listening = false;
    this.#epoch += 1;
    this.#wakeAll();
    this.#retryLater();
  }

  #retryLater(): void {
    if (this.#closed || this.#attempt || this.#retryTimer !== undefined) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#listen();
    }, this.#retryMs);
    this.#retryTimer.unref();
  }

  #onNotify(channel: string, queueName: string): void {
    if (channel !== LOCAL_QUEUE_CHANNEL) return;
    this.#notified.set(queueName, (this.#notified.get(queueName) ?? 0) + 1);
    for (const waiter of this.#waiters) if (waiter.queueName === queueName) waiter.wake();
  }

  #wakeAll(): void {
    for (const waiter of this.#waiters) waiter.wake();
  }
}
