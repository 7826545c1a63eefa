/**
 * The database guard: every statement of a connection pool goes through it.
 *
 * - **Fail fast.** When a statement fails because the server cannot be reached (connection refused, reset or
 *   timed out, the server shutting down), the guard marks the database unavailable: statements waiting for a
 *   connection are cancelled, new ones are refused at once with `ServiceUnavailable`, and a probe (`select 1`
 *   on a connection of its own) runs every second until the server answers; then the pool is used again. No
 *   restart is needed.
 * - **Deadlines.** A statement issued after its request's deadline (shared/request-deadline.ts) is refused, and the
 *   request's statements still waiting for a connection are cancelled when the deadline passes, so nothing of
 *   a request that was already answered runs later.
 *
 * - **Stalls.** A statement or transaction unanswered for `stallAfterMs` (5 s), sent or waiting for a
 *   connection, makes the guard probe the server on a connection of its own. A server that is frozen rather
 *   than down (a host that stopped, a network that drops packets) accepts connections and answers nothing, so
 *   no statement ever fails: without this, a request waited out its whole deadline (25 s). When the probe
 *   fails too, the database is marked down as above and the requests waiting on the stalled statements are
 *   answered ServiceUnavailable at once. A server that answers the probe is only slow: nothing happens.
 *
 * Statements already sent to the server are never cancelled (their requests may be answered early, above): the
 * server's `statement_timeout` bounds them, and cancelling them could hit another statement on the same
 * backend.
 */
import { drizzle } from 'drizzle-orm/postgres-js';
import { ServiceUnavailableError } from '../../core/errors.ts';
import { isUnreachable } from '../../core/failures.ts';
import { currentDeadline, type Deadline, deadlineExceeded } from '../../shared/request-deadline.ts';
import type { Database, DatabaseConnection, Sql } from './client.ts';
import * as schema from './schema.ts';

export interface DatabaseHealth {
  /** False while the server is known to be unreachable (between a connection failure and a good probe). */
  readonly available: boolean;
  /** Checks the server now with a statement of its own; the reason is a short safe text. */
  check(): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/**
 * A postgres.js query as the guard sees it. Queries are lazy: `handle` runs once, when the query is first awaited
 * (or executed), and hands it to the pool; `state` is set once it is sent on a connection.
 */
interface TrackedQuery {
  state: unknown;
  executed: boolean;
  handle(): unknown;
  cancel(): unknown;
  resolve: (value: unknown) => unknown;
  reject: (error: unknown) => unknown;
}

const isConnectivityFailure = isUnreachable;

function isTrackedQuery(value: unknown): value is TrackedQuery {
  return (
    typeof value === 'object' &&
    value !== null &&
    'state' in value &&
    typeof (value as { cancel?: unknown }).cancel === 'function' &&
    typeof (value as { handle?: unknown }).handle === 'function' &&
    typeof (value as { reject?: unknown }).reject === 'function'
  );
}

const PROBE_EVERY_MS = 1_000;
const STALL_AFTER_MS = 5_000;
const STALL_CHECK_EVERY_MS = 1_000;
/** A stall probe that neither connects nor fails (its connect timeout bounds most) counts as failed after this. */
const STALL_PROBE_MS = 15_000;

export interface GuardOptions {
  /** Opens a one-connection client for the probe (same server and settings as the pool). */
  probeClient: () => Sql;
  onAvailabilityChange?: (available: boolean, detail: string) => void;
  /** How long a statement or transaction may go unanswered before the server is probed (default 5 s). */
  stallAfterMs?: number;
}

/** A statement handed to the pool, or a transaction, not settled: the request it serves, and since when. */
interface Running {
  deadline: Deadline | undefined;
  since: number;
}

class Guard {
  readonly #unsent = new Set<TrackedQuery>();
  readonly #byDeadline = new WeakMap<Deadline, Set<TrackedQuery>>();
  readonly #running = new Map<object, Running>();
  readonly #options: GuardOptions;
  #down: string | null = null;
  #probeTimer: NodeJS.Timeout | undefined;
  #stallTimer: NodeJS.Timeout | undefined;
  #lastStallProbe = 0;
  #closed = false;

  constructor(options: GuardOptions) {
    this.#options = options;
  }

  get available(): boolean {
    return this.#down === null;
  }

  /** Throws instead of letting a statement wait for a server that is down or run past its deadline. */
  admit(): void {
    if (this.#down !== null) throw new ServiceUnavailableError();
    if (currentDeadline()?.expired) throw deadlineExceeded();
  }

  track(result: unknown): void {
    if (!isTrackedQuery(result)) return;
    const query = result;
    const deadline = currentDeadline();
    const { handle, resolve, reject } = query;
    // Only a query that runs is watched. One used as a fragment of another (`sql.unsafe(columns)` inside a
    // template) never runs, never settles and has no handler: cancelling it was an unhandled rejection that
    // ended the process (QA2 finding 1), and keeping it would hold it for the life of the pool.
    query.handle = () => {
      if (!query.executed) {
        this.#unsent.add(query);
        this.#forDeadline(deadline)?.add(query);
        this.#running.set(query, { deadline, since: Date.now() });
        this.#watchStalls();
      }
      return handle.call(query);
    };
    query.resolve = (value) => {
      this.#settled(query, deadline);
      return resolve(value);
    };
    query.reject = (error) => {
      this.#settled(query, deadline);
      if (isConnectivityFailure(error)) this.#markDown(error);
      return reject(error);
    };
  }

  #settled(query: TrackedQuery, deadline: Deadline | undefined): void {
    this.#unsent.delete(query);
    this.#running.delete(query);
    if (deadline) this.#byDeadline.get(deadline)?.delete(query);
  }

  get #stallAfterMs(): number {
    return this.#options.stallAfterMs ?? STALL_AFTER_MS;
  }

  /** Watches a transaction: its BEGIN is sent by postgres.js itself, so no tracked statement covers it. */
  watchTransaction(transaction: unknown): void {
    if (!(transaction instanceof Promise)) return;
    const token = {};
    this.#running.set(token, { deadline: currentDeadline(), since: Date.now() });
    this.#watchStalls();
    const done = () => void this.#running.delete(token);
    transaction.then(done, done);
  }

  #watchStalls(): void {
    if (this.#stallTimer !== undefined || this.#closed) return;
    this.#stallTimer = setTimeout(
      () => void this.#checkStalls(),
      Math.min(this.#stallAfterMs, STALL_CHECK_EVERY_MS),
    );
    this.#stallTimer.unref();
  }

  async #checkStalls(): Promise<void> {
    const since = Date.now() - this.#stallAfterMs;
    // Waiting for a connection counts too: a pool whose connections all hang on a frozen server never fails.
    const stalled = [...this.#running.values()].filter((run) => run.since <= since);
    // One probe per stall period: a long statement on a healthy server must not open a connection a second.
    if (
      stalled.length > 0 &&
      this.#down === null &&
      Date.now() - this.#lastStallProbe >= this.#stallAfterMs
    ) {
      this.#lastStallProbe = Date.now();
      const probe = await withTimeout(this.check(), STALL_PROBE_MS);
      if (!probe.ok && !this.#closed) this.#markDown({ code: 'no answer' });
    }
    // Known down (by the probe, or by a failed connection attempt of the pool): nothing stalled will answer.
    if (stalled.length > 0 && this.#down !== null) {
      for (const run of stalled) run.deadline?.fail(new ServiceUnavailableError());
    }
    this.#stallTimer = undefined;
    if (this.#running.size > 0) this.#watchStalls();
  }

  #forDeadline(deadline: Deadline | undefined): Set<TrackedQuery> | undefined {
    if (!deadline) return undefined;
    let queries = this.#byDeadline.get(deadline);
    if (!queries) {
      const created = new Set<TrackedQuery>();
      queries = created;
      this.#byDeadline.set(deadline, created);
      deadline.signal.addEventListener('abort', () => cancelUnsent(created), { once: true });
    }
    return queries;
  }

  #markDown(error: unknown): void {
    if (this.#down !== null || this.#closed) return;
    const code = (error as { code?: unknown }).code;
    this.#down = typeof code === 'string' ? code : 'connection failure';
    this.#options.onAvailabilityChange?.(false, this.#down);
    cancelUnsent(this.#unsent);
    this.#scheduleProbe();
  }

  #scheduleProbe(): void {
    this.#probeTimer = setTimeout(() => void this.#probe(), PROBE_EVERY_MS);
    this.#probeTimer.unref();
  }

  async #probe(): Promise<void> {
    if (this.#closed) return;
    const result = await this.check();
    if (this.#closed) return;
    if (result.ok) {
      this.#down = null;
      this.#options.onAvailabilityChange?.(true, 'reachable again');
    } else this.#scheduleProbe();
  }

  async check(): Promise<{ ok: true } | { ok: false; reason: string }> {
    const client = this.#options.probeClient();
    try {
      await client`select 1`;
      return { ok: true };
    } catch (error: unknown) {
      const code = (error as { code?: unknown }).code;
      return { ok: false, reason: `database unreachable (${typeof code === 'string' ? code : 'error'})` };
    } finally {
      await client.end({ timeout: 0 }).catch(() => {});
    }
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#probeTimer);
    clearTimeout(this.#stallTimer);
  }
}

function withTimeout(
  check: Promise<{ ok: true } | { ok: false; reason: string }>,
  ms: number,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ ok: false; reason: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: 'database not answering' }), ms);
    timer.unref();
  });
  return Promise.race([check, late]).finally(() => clearTimeout(timer));
}

/**
 * Queries not yet sent on a connection are cancelled (rejected with 57014, removed from the pool's queue). Each was
 * handed to the pool by an await, so its caller sees the rejection.
 */
function cancelUnsent(queries: Set<TrackedQuery>): void {
  for (const query of queries) {
    if (query.state === null || query.state === undefined) {
      queries.delete(query);
      Promise.resolve(query.cancel()).catch(() => {});
    }
  }
}

/** The pool as a `Sql` whose tagged templates, `unsafe` and transactions pass the guard. */
function guardedSql(target: Sql, guard: Guard): Sql {
  return new Proxy(target, {
    apply(sqlFunction, thisArg, args) {
      guard.admit();
      const result: unknown = Reflect.apply(sqlFunction, thisArg, args);
      guard.track(result);
      return result;
    },
    get(sqlFunction, property) {
      const value: unknown = Reflect.get(sqlFunction, property);
      if (typeof value !== 'function') return value;
      if (property === 'unsafe' || property === 'file') {
        return (...args: unknown[]) => {
          guard.admit();
          const result: unknown = value(...args);
          guard.track(result);
          return result;
        };
      }
      if (property === 'begin') {
        return (...args: unknown[]) => {
          guard.admit();
          const last = args.length - 1;
          const work = args[last];
          if (typeof work === 'function') args[last] = (tx: Sql) => work(guardedSql(tx, guard));
          const transaction: unknown = value(...args);
          guard.watchTransaction(transaction);
          return transaction;
        };
      }
      return value;
    },
  });
}

export interface GuardedConnection extends DatabaseConnection {
  health: DatabaseHealth;
}

/** A pool behind the guard, with drizzle over it: what `connectDatabase` and the AWS connection return. */
export function guardConnection(pool: Sql, options: GuardOptions): GuardedConnection {
  const guard = new Guard(options);
  const sql = guardedSql(pool, guard);
  const db: Database = drizzle(sql, { schema });
  return {
    db,
    sql,
    health: guard,
    close: async () => {
      guard.close();
      await pool.end({ timeout: 5 });
    },
  };
}
