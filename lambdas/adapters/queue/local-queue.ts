/**
 * A queue with SQS semantics on the `queue_messages` table, for the local runtime and tests: visibility
 * timeout, receive count, delayed delivery, redrive to a dead-letter queue and back. Every time comes from
 * the database clock (`now()`), so several processes agree on what is visible; a test may give the queue a
 * clock of its own instead, to move time on without waiting.
 *
 * Every statement that puts a message in a queue or moves its visible time (send, change of visibility,
 * redrive, release, the move to a dead-letter queue) also sends `NOTIFY` on `LOCAL_QUEUE_CHANNEL` with the queue's
 * name, in the same statement: it reaches the listeners when, and only if, the change commits
 * (local-queue-wakeups.ts), so a waiting consumer receives at once instead of at its next poll. Receives and
 * deletes only hide or remove messages, and notify nothing.
 */

import type { TransactionSql } from 'postgres';
import type { Clock } from '../../core/clock.ts';
import { ValidationError } from '../../core/errors.ts';
import { type JobKind, type JobMessage, parseJobMessage, serializeJobMessage } from '../../core/jobs/job.ts';
import type {
  DeadLetter,
  DeadLetterAdmin,
  JobQueue,
  PurgeResult,
  QueueAddresses,
  QueueReading,
  QueueStats,
  RedriveResult,
  RetryDelay,
} from '../../core/jobs/ports.ts';
import type { Sql } from '../db/client.ts';

export interface LocalQueueDefinition {
  name: string;
  /** As an SQS redrive policy: a message received `maxReceiveCount` times moves there on its next receive. */
  deadLetterQueue?: { name: string; maxReceiveCount: number };
  visibilityTimeoutSeconds: number;
}

export interface LocalMessage {
  messageId: string;
  queueName: string;
  body: string;
  attributes: Record<string, string>;
  receiveCount: number;
  sentAt: Date;
  firstReceivedAt: Date | null;
  /** The source queue of a dead letter. */
  deadLetteredFrom: string | null;
}

export interface ReceivedMessage extends LocalMessage {
  receiptHandle: string;
  firstReceivedAt: Date;
}

export interface QueueDepth {
  /** Ready to be received (SQS ApproximateNumberOfMessages). */
  visible: number;
  /** Received and not yet deleted or visible again (ApproximateNumberOfMessagesNotVisible). */
  inFlight: number;
  /** Sent with a delay that has not passed (ApproximateNumberOfMessagesDelayed). */
  delayed: number;
  /** Age of the oldest message, 0 when empty (ApproximateAgeOfOldestMessage). */
  oldestAgeSeconds: number;
}

/** SQS limits, kept locally so that what works here also works on AWS. */
export const LOCAL_QUEUE_LIMITS = {
  maxBodyBytes: 262_144,
  maxDelaySeconds: 900,
  maxVisibilityTimeoutSeconds: 43_200,
  maxMessagesPerReceive: 1000,
  maxListLimit: 1000,
} as const;

const IMPLICIT_VISIBILITY_TIMEOUT_SECONDS = 30;

/**
 * The one channel every local queue notifies, with the queue's name as the payload. One channel rather than one
 * per queue: a process listens on one connection whatever queues it consumes, and a queue's name needs no
 * quoting or length check to be a channel name (identifiers stop at 63 bytes); a listener ignores the names it
 * does not wait for, which costs a map lookup.
 */
export const LOCAL_QUEUE_CHANNEL = 'ai_ops_local_queue';

/**
 * `NOTIFY` of each distinct queue name in the rows a data-modifying CTE called `changed` returns, as a CTE named
 * `notified`; the statement's final select counts it (`NOTIFIED`), for a CTE nobody reads is never run.
 * Postgres delivers the notifications at commit, never for a rolled-back change.
 */
const NOTIFY_CHANGED = `notified as (
    select pg_notify('${LOCAL_QUEUE_CHANNEL}', queue_name) from (select distinct queue_name from changed) as queues)`;
const NOTIFIED = '(select count(*) from notified)';

interface MessageRow {
  seq: string;
  message_id: string;
  queue_name: string;
  body: string;
  attributes: unknown;
  receive_count: number;
  sent_at_ms: number;
  first_received_at_ms: number | null;
  receipt_handle: string | null;
  dead_lettered_from: string | null;
}

export class LocalQueue {
  readonly #sql: Sql;
  readonly #definitions = new Map<string, LocalQueueDefinition>();
  readonly #clock: Clock | undefined;

  constructor(sql: Sql, definitions: readonly LocalQueueDefinition[], options: { clock?: Clock } = {}) {
    this.#sql = sql;
    this.#clock = options.clock;
    for (const definition of definitions) {
      checkDefinition(definition);
      this.#definitions.set(definition.name, definition);
    }
    for (const definition of definitions) {
      const dlq = definition.deadLetterQueue;
      if (dlq && !this.#definitions.has(dlq.name)) {
        this.#definitions.set(dlq.name, {
          name: dlq.name,
          visibilityTimeoutSeconds: IMPLICIT_VISIBILITY_TIMEOUT_SECONDS,
        });
      }
    }
  }

  /** The instant statements use: the injected clock's (ISO 8601), or (null) the database's `now()`. */
  #at(): string | null {
    return this.#clock ? this.#clock.now().toISOString() : null;
  }

  definition(queueName: string): LocalQueueDefinition {
    const definition = this.#definitions.get(queueName);
    if (!definition) throw new ValidationError('queueName', `no local queue named "${queueName}"`);
    return definition;
  }

  get definitions(): readonly LocalQueueDefinition[] {
    return [...this.#definitions.values()];
  }

  async send(
    queueName: string,
    body: string,
    options: { delaySeconds?: number; attributes?: Record<string, string> } = {},
  ): Promise<{ messageId: string }> {
    this.definition(queueName);
    if (Buffer.byteLength(body, 'utf8') > LOCAL_QUEUE_LIMITS.maxBodyBytes) {
      throw new ValidationError('body', `must be at most ${LOCAL_QUEUE_LIMITS.maxBodyBytes} bytes`);
    }
    const delay = checkSeconds('delaySeconds', options.delaySeconds ?? 0, LOCAL_QUEUE_LIMITS.maxDelaySeconds);
    const at = this.#at();
    const sql = this.#sql;
    // A delayed message notifies too: a consumer waiting for the earliest visible time learns of an earlier one.
    const [row] = await sql<{ message_id: string }[]>`
      with changed as (
        insert into queue_messages (queue_name, body, attributes, sent_at, visible_at)
        values (${queueName}, ${body}, ${JSON.stringify(options.attributes ?? {})}::jsonb, coalesce(${at}::timestamptz, now()),
                coalesce(${at}::timestamptz, now()) + make_interval(secs => ${delay}::float8))
        returning message_id, queue_name),
      ${sql.unsafe(NOTIFY_CHANGED)}
      select message_id, ${sql.unsafe(NOTIFIED)} as notified from changed`;
    if (!row) throw new Error('Sending a local queue message returned no row');
    return { messageId: row.message_id };
  }

  /**
   * Hands out up to `maxMessages` visible messages, each hidden for the visibility timeout under a fresh
   * receipt handle. Rows are taken with SKIP LOCKED, so concurrent consumers never get the same receipt.
   * A message that already used up its receives moves to the dead-letter queue instead, as SQS redrive does.
   */
  async receive(
    queueName: string,
    options: { maxMessages?: number; visibilityTimeoutSeconds?: number } = {},
  ): Promise<ReceivedMessage[]> {
    const definition = this.definition(queueName);
    const maxMessages = options.maxMessages ?? 1;
    if (
      !Number.isInteger(maxMessages) ||
      maxMessages < 1 ||
      maxMessages > LOCAL_QUEUE_LIMITS.maxMessagesPerReceive
    ) {
      throw new ValidationError(
        'maxMessages',
        `must be an integer from 1 to ${LOCAL_QUEUE_LIMITS.maxMessagesPerReceive}`,
      );
    }
    const visibility = checkSeconds(
      'visibilityTimeoutSeconds',
      options.visibilityTimeoutSeconds ?? definition.visibilityTimeoutSeconds,
      LOCAL_QUEUE_LIMITS.maxVisibilityTimeoutSeconds,
    );
    const received = await this.#sql.begin((tx) => this.#take(tx, definition, maxMessages, visibility));
    return received.map((row) => {
      const message = toMessage(row);
      return {
        ...message,
        receiptHandle: row.receipt_handle ?? '',
        firstReceivedAt: message.firstReceivedAt ?? message.sentAt,
      };
    });
  }

  /** Takes visible messages until `maxMessages`, moving those that used up their receives to the DLQ. */
  async #take(
    tx: TransactionSql,
    definition: LocalQueueDefinition,
    maxMessages: number,
    visibility: number,
  ): Promise<MessageRow[]> {
    const queueName = definition.name;
    const dlq = definition.deadLetterQueue;
    const at = this.#at();
    const received: MessageRow[] = [];
    while (received.length < maxMessages) {
      const candidates = await tx<{ seq: string; receive_count: number }[]>`
        select seq, receive_count from queue_messages
        where queue_name = ${queueName} and visible_at <= coalesce(${at}::timestamptz, now())
        order by visible_at, seq
        limit ${maxMessages - received.length}
        for update skip locked`;
      if (candidates.length === 0) break;
      const exhausted = dlq ? candidates.filter((c) => c.receive_count >= dlq.maxReceiveCount) : [];
      const deliverable = candidates.filter((c) => !exhausted.includes(c));
      if (dlq && exhausted.length > 0) {
        await tx`
          with changed as (
            update queue_messages
            set queue_name = ${dlq.name}, dead_lettered_from = queue_name,
                visible_at = coalesce(${at}::timestamptz, now()), receipt_handle = null
            where seq in ${tx(exhausted.map((c) => c.seq))}
            returning queue_name),
          ${tx.unsafe(NOTIFY_CHANGED)}
          select ${tx.unsafe(NOTIFIED)} as notified`;
      }
      if (deliverable.length > 0) {
        const rows = await tx<MessageRow[]>`
          update queue_messages
          set receive_count = receive_count + 1,
              first_received_at = coalesce(first_received_at, coalesce(${at}::timestamptz, now())),
              receipt_handle = seq::text || '.' || gen_random_uuid()::text,
              visible_at = coalesce(${at}::timestamptz, now()) + make_interval(secs => ${visibility}::float8)
          where seq in ${tx(deliverable.map((c) => c.seq))}
          returning ${tx.unsafe(MESSAGE_COLUMNS)}`;
        const order = new Map(deliverable.map((c, index) => [c.seq, index]));
        rows.sort((a, b) => (order.get(a.seq) ?? 0) - (order.get(b.seq) ?? 0));
        received.push(...rows);
      }
    }
    return received;
  }

  /**
   * Milliseconds from now (the queue's clock) until the earliest visible time of any message of the queue, in
   * flight or delayed: when a consumer that found nothing should look again though nobody notifies it (a delay
   * or a visibility timeout running out). 0 or less: a message is visible now; null: the queue is empty.
   */
  async nextVisibleInMs(queueName: string): Promise<number | null> {
    this.definition(queueName);
    const at = this.#at();
    const [row] = await this.#sql<{ ms: number | null }[]>`
      select (extract(epoch from min(visible_at) - coalesce(${at}::timestamptz, now())) * 1000)::float8 as ms
      from queue_messages where queue_name = ${queueName}`;
    return row?.ms ?? null;
  }

  /** Deletes a received message. A stale handle (the message was received again since) is a no-op, as on SQS. */
  async deleteMessage(queueName: string, receiptHandle: string): Promise<boolean> {
    const seq = seqOf(receiptHandle);
    const rows = await this.#sql`
      delete from queue_messages
      where seq = ${seq} and queue_name = ${queueName} and receipt_handle = ${receiptHandle}
      returning seq`;
    return rows.length > 0;
  }

  /** Makes a received message visible again after `seconds` from now; used to back off retries. */
  async changeVisibility(queueName: string, receiptHandle: string, seconds: number): Promise<boolean> {
    const seq = seqOf(receiptHandle);
    const visibility = checkSeconds('seconds', seconds, LOCAL_QUEUE_LIMITS.maxVisibilityTimeoutSeconds);
    const at = this.#at();
    // Notifies even when the time moves later: a consumer of another process may be waiting for the old time,
    // and a retry's backoff (the one caller) is rare enough that a needless wake costs nothing.
    const rows = await this.#sql`
      with changed as (
        update queue_messages set visible_at = coalesce(${at}::timestamptz, now()) + make_interval(secs => ${visibility}::float8)
        where seq = ${seq} and queue_name = ${queueName} and receipt_handle = ${receiptHandle}
        returning seq, queue_name),
      ${this.#sql.unsafe(NOTIFY_CHANGED)}
      select seq, ${this.#sql.unsafe(NOTIFIED)} as notified from changed`;
    return rows.length > 0;
  }

  /** The retry-delay port of a worker fed by this queue. */
  retryDelayFor(queueName: string): RetryDelay {
    this.definition(queueName);
    return async (receiptHandle, seconds) => {
      await this.changeVisibility(queueName, receiptHandle, seconds);
    };
  }

  /** Reads dead letters without receiving them: listing leaves receive counts and visibility alone. */
  async listDeadLetters(dlqName: string, limit: number): Promise<LocalMessage[]> {
    this.definition(dlqName);
    if (!Number.isInteger(limit) || limit < 1 || limit > LOCAL_QUEUE_LIMITS.maxListLimit) {
      throw new ValidationError('limit', `must be an integer from 1 to ${LOCAL_QUEUE_LIMITS.maxListLimit}`);
    }
    const rows = await this.#sql<MessageRow[]>`
      select ${this.#sql.unsafe(MESSAGE_COLUMNS)} from queue_messages
      where queue_name = ${dlqName}
      order by seq
      limit ${limit}`;
    return rows.map(toMessage);
  }

  /**
   * Makes every message received and not yet deleted visible again now (their receive counts kept). Only for a
   * queue this process owns alone: after a crash, nobody is working on them, and waiting out a visibility timeout
   * of up to 18 minutes would only delay the work. Returns how many were released.
   */
  async releaseInFlight(): Promise<number> {
    const at = this.#at();
    const rows = await this.#sql`
      with changed as (
        update queue_messages
        set receipt_handle = null, visible_at = coalesce(${at}::timestamptz, now())
        where receipt_handle is not null and visible_at > coalesce(${at}::timestamptz, now())
        returning seq, queue_name),
      ${this.#sql.unsafe(NOTIFY_CHANGED)}
      select seq, ${this.#sql.unsafe(NOTIFIED)} as notified from changed`;
    return rows.length;
  }

  /** Moves every dead letter back to the queue it came from, with a fresh receive count. */
  async redrive(dlqName: string): Promise<number> {
    this.definition(dlqName);
    const at = this.#at();
    const rows = await this.#sql`
      with changed as (
        update queue_messages
        set queue_name = dead_lettered_from, dead_lettered_from = null, receive_count = 0,
            first_received_at = null, receipt_handle = null, visible_at = coalesce(${at}::timestamptz, now())
        where queue_name = ${dlqName} and dead_lettered_from is not null
        returning seq, queue_name),
      ${this.#sql.unsafe(NOTIFY_CHANGED)}
      select seq, ${this.#sql.unsafe(NOTIFIED)} as notified from changed`;
    return rows.length;
  }

  /** Deletes every message of a queue (SQS PurgeQueue); returns how many. */
  async purge(queueName: string): Promise<number> {
    this.definition(queueName);
    const rows = await this.#sql`delete from queue_messages where queue_name = ${queueName} returning seq`;
    return rows.length;
  }

  async depth(queueName: string): Promise<QueueDepth> {
    this.definition(queueName);
    const at = this.#at();
    const [row] = await this.#sql<
      { visible: number; in_flight: number; delayed: number; oldest_age_seconds: number }[]
    >`
      select count(*) filter (where visible_at <= coalesce(${at}::timestamptz, now()))::int as visible,
             count(*) filter (where visible_at > coalesce(${at}::timestamptz, now()) and receipt_handle is not null)::int as in_flight,
             count(*) filter (where visible_at > coalesce(${at}::timestamptz, now()) and receipt_handle is null)::int as delayed,
             coalesce(extract(epoch from coalesce(${at}::timestamptz, now()) - min(sent_at)), 0)::float8 as oldest_age_seconds
      from queue_messages where queue_name = ${queueName}`;
    return {
      visible: row?.visible ?? 0,
      inFlight: row?.in_flight ?? 0,
      delayed: row?.delayed ?? 0,
      oldestAgeSeconds: Math.max(0, row?.oldest_age_seconds ?? 0),
    };
  }
}

/** Sends job messages to the local queue of each job kind. */
export class LocalJobQueue implements JobQueue {
  readonly #queue: LocalQueue;
  readonly #queueNameByKind: QueueAddresses;

  constructor(queue: LocalQueue, queueNameByKind: QueueAddresses) {
    this.#queue = queue;
    this.#queueNameByKind = queueNameByKind;
  }

  async send(message: JobMessage, options: { delaySeconds?: number } = {}): Promise<void> {
    const queueName = this.#queueNameByKind[message.kind];
    if (!queueName) throw new Error(`No queue is configured for job kind "${message.kind}"`);
    const body = serializeJobMessage(message);
    await this.#queue.send(queueName, body, {
      delaySeconds: options.delaySeconds ?? 0,
      attributes: message.traceId ? { traceId: message.traceId } : {},
    });
  }
}

/** Admin view of the dead letters of each job kind's local queue, and the depths of its queues. */
export class LocalDeadLetters implements DeadLetterAdmin, QueueStats {
  readonly listLimit = LOCAL_QUEUE_LIMITS.maxListLimit;
  readonly #queue: LocalQueue;
  readonly #queueNameByKind: QueueAddresses;

  constructor(queue: LocalQueue, queueNameByKind: QueueAddresses) {
    this.#queue = queue;
    this.#queueNameByKind = queueNameByKind;
  }

  async list(kind: JobKind, limit: number): Promise<DeadLetter[]> {
    const messages = await this.#queue.listDeadLetters(this.#deadLetterQueueOf(kind), limit);
    return messages.map((message) => {
      const parsed = parseJobMessage(message.body);
      return {
        messageId: message.messageId,
        body: message.body,
        jobId: parsed.ok ? parsed.message.jobId : null,
        kind: parsed.ok ? parsed.message.kind : null,
        receiveCount: message.receiveCount,
        sentAt: message.sentAt,
        sourceQueue: message.deadLetteredFrom,
      };
    });
  }

  async redrive(kind: JobKind): Promise<RedriveResult> {
    const moved = await this.#queue.redrive(this.#deadLetterQueueOf(kind));
    return { moved, taskHandle: null };
  }

  async purge(kind: JobKind): Promise<PurgeResult> {
    return { purged: await this.#queue.purge(this.#deadLetterQueueOf(kind)) };
  }

  async read(kind: JobKind): Promise<QueueReading> {
    const [work, dead] = await Promise.all([
      this.#queue.depth(this.#queueOf(kind)),
      this.#queue.depth(this.#deadLetterQueueOf(kind)),
    ]);
    const { visible, inFlight, delayed, oldestAgeSeconds } = work;
    return { visible, inFlight, delayed, oldestAgeSeconds, deadLetters: dead.visible + dead.inFlight };
  }

  #queueOf(kind: JobKind): string {
    const queueName = this.#queueNameByKind[kind];
    if (!queueName) throw new ValidationError('kind', `no queue is configured for job kind "${kind}"`);
    return queueName;
  }

  #deadLetterQueueOf(kind: JobKind): string {
    const queueName = this.#queueOf(kind);
    const dlq = this.#queue.definition(queueName).deadLetterQueue;
    if (!dlq) throw new ValidationError('kind', `the queue of job kind "${kind}" has no dead-letter queue`);
    return dlq.name;
  }
}

const MESSAGE_COLUMNS = `seq, message_id, queue_name, body, attributes, receive_count,
  (extract(epoch from sent_at) * 1000)::float8 as sent_at_ms,
  (extract(epoch from first_received_at) * 1000)::float8 as first_received_at_ms,
  receipt_handle, dead_lettered_from`;

function toMessage(row: MessageRow): LocalMessage {
  return {
    messageId: row.message_id,
    queueName: row.queue_name,
    body: row.body,
    attributes: toAttributes(row.attributes),
    receiveCount: row.receive_count,
    sentAt: new Date(row.sent_at_ms),
    firstReceivedAt: row.first_received_at_ms === null ? null : new Date(row.first_received_at_ms),
    deadLetteredFrom: row.dead_lettered_from,
  };
}

/** The column is jsonb; depending on the client's parsers it arrives parsed or as text. */
function toAttributes(value: unknown): Record<string, string> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  const attributes: Record<string, string> = {};
  if (parsed && typeof parsed === 'object') {
    for (const [key, entry] of Object.entries(parsed)) {
      if (typeof entry === 'string') attributes[key] = entry;
    }
  }
  return attributes;
}

/** Handles look like `<seq>.<uuid>`: the seq finds the row by primary key, the whole handle proves the receipt. */
function seqOf(receiptHandle: string): string {
  const match = /^(\d{1,18})\.[0-9a-f-]{36}$/.exec(receiptHandle);
  if (!match?.[1]) throw new ValidationError('receiptHandle', 'is not a receipt handle of the local queue');
  return match[1];
}

function checkSeconds(field: string, value: number, max: number): number {
  if (!Number.isFinite(value) || value < 0 || value > max) {
    throw new ValidationError(field, `must be a number of seconds from 0 to ${max}`);
  }
  return value;
}

function checkDefinition(definition: LocalQueueDefinition): void {
  if (!definition.name) throw new ValidationError('name', 'a local queue needs a name');
  checkSeconds(
    `${definition.name}.visibilityTimeoutSeconds`,
    definition.visibilityTimeoutSeconds,
    LOCAL_QUEUE_LIMITS.maxVisibilityTimeoutSeconds,
  );
  const dlq = definition.deadLetterQueue;
  if (!dlq) return;
  if (!Number.isInteger(dlq.maxReceiveCount) || dlq.maxReceiveCount < 1 || dlq.maxReceiveCount > 1000) {
    throw new ValidationError(
      `${definition.name}.deadLetterQueue.maxReceiveCount`,
      'must be an integer from 1 to 1000',
    );
  }
  if (dlq.name === definition.name) {
    throw new ValidationError(`${definition.name}.deadLetterQueue.name`, 'must differ from the queue itself');
  }
}
