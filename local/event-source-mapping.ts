/**
 * The local twin of a Lambda SQS event-source mapping: receives from a local queue, hands the handler a real
 * `SQSEvent`, and honours `batchItemFailures` the way Lambda does. It composes handlers; it decides nothing
 * about the work itself.
 *
 * Given `wakeups`, it long-polls as Lambda's poller does on SQS: after a receive that left the queue empty it
 * waits until the queue is notified, until the earliest visible time of the queue's messages (a delay, a retry's
 * backoff or a visibility timeout ends without any notification), or `maxWaitMs` at most, then receives again.
 * Without them (or while their connection is down) it polls every `pollIntervalMs`.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type {
  LocalQueue,
  LocalQueueDefinition,
  ReceivedMessage,
} from '../lambdas/adapters/queue/local-queue.ts';
import type { QueueWakeups, WakeTicket } from '../lambdas/adapters/queue/local-queue-wakeups.ts';
import { describeError } from '../lambdas/core/errors.ts';
import { technicalDetail } from '../lambdas/core/failures.ts';
import { logger as sharedLogger } from '../lambdas/shared/observability.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, lambdaContext } from './lambda-context.ts';

export type SqsEventHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface MappingLog {
  info(message: string, details: Record<string, unknown>): void;
  warn(message: string, details: Record<string, unknown>): void;
  error(message: string, details: Record<string, unknown>): void;
}

export interface EventSourceMappingOptions {
  /** `nextVisibleInMs` lets a long poll end when a delayed or hidden message becomes visible. */
  queue: Pick<LocalQueue, 'receive' | 'deleteMessage'> & Partial<Pick<LocalQueue, 'nextVisibleInMs'>>;
  definition: LocalQueueDefinition;
  handler: SqsEventHandler;
  /** Records per invocation (Lambda: BatchSize). */
  batchSize?: number;
  /** How long to gather records for a fuller batch (Lambda: MaximumBatchingWindowInSeconds). */
  maximumBatchingWindowSeconds?: number;
  /**
   * Pause after an empty or partial receive when not long-polling (no `wakeups`, or their connection is down);
   * a full batch is followed by another receive at once.
   */
  pollIntervalMs?: number;
  /** Notifications of the queue: with them, an empty receive is followed by a long poll, not a pause. */
  wakeups?: QueueWakeups;
  /** The longest a long poll waits with no notification and nothing due (SQS's WaitTimeSeconds: 20 s at most). */
  maxWaitMs?: number;
  functionName?: string;
  /** What `context.getRemainingTimeInMillis()` counts down from. */
  functionTimeoutSeconds?: number;
  logger?: MappingLog;
}

export interface EventSourceMapping {
  /** Stops polling and waits for the batch in flight, so Ctrl-C loses nothing. */
  stop(): Promise<void>;
}

/** SQS's longest WaitTimeSeconds. */
const DEFAULT_MAX_WAIT_MS = 20_000;
/**
 * Shortest long poll. A message visible now that the receive did not get is locked by a concurrent receive about
 * to hide it, which notifies nothing: look again shortly rather than at once.
 */
const MIN_WAIT_MS = 50;

export const localQueueArn = (queueName: string): string =>
  `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${queueName}`;

export function startEventSourceMapping(options: EventSourceMappingOptions): EventSourceMapping {
  const mapping = new LocalEventSourceMapping(options);
  const running = mapping.poll();
  return {
    async stop() {
      mapping.stopping.abort();
      await running;
    },
  };
}

class LocalEventSourceMapping {
  readonly stopping = new AbortController();
  readonly #options: EventSourceMappingOptions;
  readonly #batchSize: number;
  readonly #windowMs: number;
  readonly #pollIntervalMs: number;
  readonly #maxWaitMs: number;
  readonly #log: MappingLog;
  readonly #queueName: string;
  readonly #functionName: string;

  constructor(options: EventSourceMappingOptions) {
    this.#options = options;
    this.#batchSize = options.batchSize ?? 10;
    this.#windowMs = Math.max(0, (options.maximumBatchingWindowSeconds ?? 0) * 1000);
    this.#pollIntervalMs = Math.max(1, options.pollIntervalMs ?? 1000);
    this.#maxWaitMs = Math.max(1, options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
    this.#log = options.logger ?? sharedLogger;
    this.#queueName = options.definition.name;
    this.#functionName = options.functionName ?? `${this.#queueName}-consumer`;
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1) {
      throw new Error(`batchSize must be a positive integer`);
    }
  }

  async poll(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      let batchWasFull = false;
      // Taken before the receive: a message sent after it wakes the wait below, however soon after the receive.
      const ticket = this.#options.wakeups?.ticket(this.#queueName) ?? null;
      let waitMs = this.#maxWaitMs;
      try {
        const batch = await this.#gatherBatch();
        if (failures > 0) this.#log.info('Polling the local queue works again', { queue: this.#queueName });
        failures = 0;
        if (batch.length > 0) await this.#invoke(batch);
        batchWasFull = batch.length >= this.#batchSize;
        if (ticket && !batchWasFull) waitMs = await this.#untilNextVisible();
      } catch (error: unknown) {
        // One line per outage, not one per poll; polls slow down to at most one every 5 s meanwhile.
        if (failures === 0) {
          this.#log.error('Polling the local queue failed; retrying with backoff', {
            queue: this.#queueName,
            error: technicalDetail(error),
          });
        }
        failures += 1;
      }
      if (batchWasFull) continue;
      if (failures > 0) await this.#pause(Math.min(5_000, this.#pollIntervalMs * 2 ** failures));
      else await this.#waitForWork(ticket, waitMs);
    }
  }

  /**
   * A long poll on the ticket when there is one; otherwise the interval's pause, cut short when notifications
   * come back (they spend every ticket, so the next receive finds what was sent while nobody listened).
   */
  async #waitForWork(ticket: WakeTicket | null, waitMs: number): Promise<void> {
    const wakeups = this.#options.wakeups;
    if (!wakeups) await this.#pause(this.#pollIntervalMs);
    else if (ticket) await wakeups.wait(ticket, waitMs, this.stopping.signal);
    else await wakeups.wait(null, this.#pollIntervalMs, this.stopping.signal);
  }

  /** How long a long poll may wait: until the queue's next message becomes visible, within its bounds. */
  async #untilNextVisible(): Promise<number> {
    const nextVisibleInMs = this.#options.queue.nextVisibleInMs;
    if (!nextVisibleInMs) return this.#maxWaitMs;
    const ms = await nextVisibleInMs.call(this.#options.queue, this.#queueName);
    if (ms === null) return this.#maxWaitMs;
    // Rounded up: the database's now() was read before the answer came, so the wait never ends early.
    return Math.min(this.#maxWaitMs, Math.max(MIN_WAIT_MS, Math.ceil(ms)));
  }

  async #pause(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.stopping.signal });
    } catch {
      // Aborted by stop(): fall through to the loop condition.
    }
  }

  #receive(maxMessages: number): Promise<ReceivedMessage[]> {
    return this.#options.queue.receive(this.#queueName, {
      maxMessages,
      visibilityTimeoutSeconds: this.#options.definition.visibilityTimeoutSeconds,
    });
  }

  async #gatherBatch(): Promise<ReceivedMessage[]> {
    const batch = await this.#receive(this.#batchSize);
    if (batch.length === 0 || this.#windowMs === 0) return batch;
    const deadline = Date.now() + this.#windowMs;
    while (batch.length < this.#batchSize && !this.stopping.signal.aborted) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await this.#pause(Math.min(this.#pollIntervalMs, remaining));
      batch.push(...(await this.#receive(this.#batchSize - batch.length)));
    }
    return batch;
  }

  async #invoke(batch: readonly ReceivedMessage[]): Promise<void> {
    const event: SQSEvent = { Records: batch.map((message) => toRecord(this.#queueName, message)) };
    let response: SQSBatchResponse | undefined;
    try {
      response = await this.#options.handler(
        event,
        lambdaContext(this.#functionName, this.#options.functionTimeoutSeconds ?? 30),
      );
    } catch (error: unknown) {
      // Every record failed, and the handler (lambdas/shared/sqs-worker.ts) already logged each one with what
      // happens to it next, a retry after a delay or the dead-letter queue: a line of ours would repeat that,
      // and "delivered again" is wrong for a record on its last receive (QA2 finding 9).
      if (error instanceof FullBatchFailureError) return;
      this.#log.warn(
        'Handler failed; no record of the batch was deleted: each is received again later, or goes to the dead-letter queue after its last receive',
        {
          queue: this.#queueName,
          records: batch.length,
          error: describeError(error),
        },
      );
      return;
    }
    const failed = failedMessageIds(response, batch);
    if (failed === 'whole-batch') {
      this.#log.warn('Handler returned invalid batchItemFailures; no record of the batch was deleted', {
        queue: this.#queueName,
      });
      return;
    }
    for (const message of batch) if (!failed.has(message.messageId)) await this.#delete(message);
  }

  async #delete(message: ReceivedMessage): Promise<void> {
    try {
      await this.#options.queue.deleteMessage(this.#queueName, message.receiptHandle);
    } catch (error: unknown) {
      // Not deleted means delivered again: at least once, never lost.
      this.#log.warn('Could not delete a processed message; it will be delivered again', {
        queue: this.#queueName,
        messageId: message.messageId,
        error: describeError(error),
      });
    }
  }
}

/**
 * Lambda's rules for a function with ReportBatchItemFailures: no response or an empty list is a complete
 * success; an identifier that is empty, malformed or not in the batch fails the whole batch.
 */
function failedMessageIds(
  response: unknown,
  batch: readonly ReceivedMessage[],
): ReadonlySet<string> | 'whole-batch' {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object') return 'whole-batch';
  if (!('batchItemFailures' in response)) return new Set();
  const failures: unknown = response.batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'whole-batch';
  const inBatch = new Set(batch.map((message) => message.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id: unknown =
      failure && typeof failure === 'object' && 'itemIdentifier' in failure
        ? failure.itemIdentifier
        : undefined;
    if (typeof id !== 'string' || !inBatch.has(id)) return 'whole-batch';
    failed.add(id);
  }
  return failed;
}

function toRecord(queueName: string, message: ReceivedMessage): SQSRecord {
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.attributes)) {
    messageAttributes[name] = {
      stringValue: value,
      stringListValues: [],
      binaryListValues: [],
      dataType: 'String',
    };
  }
  const record: SQSRecord = {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt.getTime()),
      SenderId: LOCAL_ACCOUNT,
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt.getTime()),
    },
    messageAttributes,
    md5OfBody: md5(Buffer.from(message.body, 'utf8')),
    eventSource: 'aws:sqs',
    eventSourceARN: localQueueArn(queueName),
    awsRegion: LOCAL_REGION,
  };
  if (Object.keys(message.attributes).length > 0) {
    record.md5OfMessageAttributes = md5OfMessageAttributes(message.attributes);
  }
  return record;
}

const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');

/** SQS's digest of string attributes: per name in order, length-prefixed name, type, transport byte 1, value. */
function md5OfMessageAttributes(attributes: Readonly<Record<string, string>>): string {
  const lengthPrefixed = (text: string): Buffer => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const parts: Buffer[] = [];
  for (const name of Object.keys(attributes).sort()) {
    parts.push(
      lengthPrefixed(name),
      lengthPrefixed('String'),
      Buffer.from([1]),
      lengthPrefixed(attributes[name] ?? ''),
    );
  }
  return md5(Buffer.concat(parts));
}
