/**
 * The local twin of a Lambda SQS event-source mapping: polls a local queue, hands the handler a real
 * `SQSEvent`, and honours `batchItemFailures` the way Lambda does. It composes handlers; it decides nothing
 * about the work itself.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type {
  LocalQueue,
  LocalQueueDefinition,
  ReceivedMessage,
} from '../lambdas/adapters/queue/local-queue.ts';
import { describeError } from '../lambdas/core/errors.ts';
import { logger as sharedLogger } from '../lambdas/shared/observability.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, lambdaContext } from './lambda-context.ts';

export type SqsEventHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface MappingLog {
  warn(message: string, details: Record<string, unknown>): void;
  error(message: string, details: Record<string, unknown>): void;
}

export interface EventSourceMappingOptions {
  queue: LocalQueue;
  definition: LocalQueueDefinition;
  handler: SqsEventHandler;
  /** Records per invocation (Lambda: BatchSize). */
  batchSize?: number;
  /** How long to gather records for a fuller batch (Lambda: MaximumBatchingWindowInSeconds). */
  maximumBatchingWindowSeconds?: number;
  /** Pause after an empty or partial receive; a full batch is followed by another poll at once. */
  pollIntervalMs?: number;
  functionName?: string;
  /** What `context.getRemainingTimeInMillis()` counts down from. */
  functionTimeoutSeconds?: number;
  logger?: MappingLog;
}

export interface EventSourceMapping {
  /** Stops polling and waits for the batch in flight, so Ctrl-C loses nothing. */
  stop(): Promise<void>;
}

export const localQueueArn = (queueName: string): string =>
  `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${queueName}`;

export function startEventSourceMapping(options: EventSourceMappingOptions): EventSourceMapping {
  const batchSize = options.batchSize ?? 10;
  const windowMs = Math.max(0, (options.maximumBatchingWindowSeconds ?? 0) * 1000);
  const pollIntervalMs = Math.max(1, options.pollIntervalMs ?? 1000);
  const log: MappingLog = options.logger ?? sharedLogger;
  const queueName = options.definition.name;
  const functionName = options.functionName ?? `${queueName}-consumer`;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer`);

  const stopping = new AbortController();
  const pause = async (ms: number): Promise<void> => {
    try {
      await sleep(ms, undefined, { signal: stopping.signal });
    } catch {
      // Aborted by stop(): fall through to the loop condition.
    }
  };

  const receive = (maxMessages: number) =>
    options.queue.receive(queueName, {
      maxMessages,
      visibilityTimeoutSeconds: options.definition.visibilityTimeoutSeconds,
    });

  async function gatherBatch(): Promise<ReceivedMessage[]> {
    const batch = await receive(batchSize);
    if (batch.length === 0 || windowMs === 0) return batch;
    const deadline = Date.now() + windowMs;
    while (batch.length < batchSize && !stopping.signal.aborted) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await pause(Math.min(pollIntervalMs, remaining));
      batch.push(...(await receive(batchSize - batch.length)));
    }
    return batch;
  }

  async function invoke(batch: readonly ReceivedMessage[]): Promise<void> {
    const event: SQSEvent = { Records: batch.map((message) => toRecord(queueName, message)) };
    let response: SQSBatchResponse | undefined;
    try {
      response = await options.handler(
        event,
        lambdaContext(functionName, options.functionTimeoutSeconds ?? 30),
      );
    } catch (error: unknown) {
      log.warn('Handler failed; the whole batch will be delivered again', {
        queue: queueName,
        records: batch.length,
        error: describeError(error),
      });
      return;
    }
    const failed = failedMessageIds(response, batch);
    if (failed === 'whole-batch') {
      log.warn('Handler returned invalid batchItemFailures; the whole batch will be delivered again', {
        queue: queueName,
      });
      return;
    }
    for (const message of batch) {
      if (failed.has(message.messageId)) continue;
      try {
        await options.queue.deleteMessage(queueName, message.receiptHandle);
      } catch (error: unknown) {
        // Not deleted means delivered again: at least once, never lost.
        log.warn('Could not delete a processed message; it will be delivered again', {
          queue: queueName,
          messageId: message.messageId,
          error: describeError(error),
        });
      }
    }
  }

  async function poll(): Promise<void> {
    while (!stopping.signal.aborted) {
      let batchWasFull = false;
      try {
        const batch = await gatherBatch();
        if (batch.length > 0) await invoke(batch);
        batchWasFull = batch.length >= batchSize;
      } catch (error: unknown) {
        log.error('Polling the local queue failed', { queue: queueName, error: describeError(error) });
      }
      if (!batchWasFull) await pause(pollIntervalMs);
    }
  }

  const running = poll();
  return {
    async stop() {
      stopping.abort();
      await running;
    },
  };
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
