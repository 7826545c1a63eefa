import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  PurgeQueueCommand,
  PurgeQueueInProgress,
  type QueueAttributeName,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { ConflictError, ValidationError } from '../../core/errors.ts';
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

const MAX_DELAY_SECONDS = 900;
const MAX_VISIBILITY_SECONDS = 43_200;
const MAX_RECEIVE_BATCH = 10;
export const MAX_DEAD_LETTER_PEEK = 100;

/** Sends job messages to the SQS queue of each job kind (`JOB_QUEUE_URLS`). */
export class SqsJobQueue implements JobQueue {
  readonly #client: SQSClient;
  readonly #queueUrlByKind: QueueAddresses;

  constructor(client: SQSClient, queueUrlByKind: QueueAddresses) {
    this.#client = client;
    this.#queueUrlByKind = queueUrlByKind;
  }

  async send(message: JobMessage, options: { delaySeconds?: number } = {}): Promise<void> {
    const queueUrl = this.#queueUrlByKind[message.kind];
    if (!queueUrl) throw new Error(`No queue URL is configured for job kind "${message.kind}"`);
    const delaySeconds = options.delaySeconds ?? 0;
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS) {
      throw new ValidationError('delaySeconds', `must be an integer from 0 to ${MAX_DELAY_SECONDS}`);
    }
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: serializeJobMessage(message),
        DelaySeconds: delaySeconds,
        // The attribute lets consumers and the console see the trace without parsing the body.
        MessageAttributes: message.traceId
          ? { traceId: { DataType: 'String', StringValue: message.traceId } }
          : undefined,
      }),
    );
  }
}

/** The retry-delay port of a worker fed by an SQS queue: ChangeMessageVisibility on the received message. */
export function sqsRetryDelay(client: SQSClient, queueUrl: string): RetryDelay {
  return async (receiptHandle, seconds) => {
    const visibility = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.round(seconds)));
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: visibility,
      }),
    );
  };
}

/**
 * Reads up to `limit` messages of a dead-letter queue. SQS has no true peek: this receives with a visibility
 * timeout of 0, so the messages stay available (only their receive count in the DLQ rises, which is harmless
 * because a DLQ has no redrive policy of its own). Receives are sampled, so it loops and de-duplicates.
 */
export async function listSqsDeadLetters(
  client: SQSClient,
  deadLetterQueueUrl: string,
  limit: number,
): Promise<DeadLetter[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DEAD_LETTER_PEEK) {
    throw new ValidationError('limit', `must be an integer from 1 to ${MAX_DEAD_LETTER_PEEK}`);
  }
  const seen = new Map<string, DeadLetter>();
  const maxCalls = Math.ceil(limit / MAX_RECEIVE_BATCH) + 2;
  for (let call = 0; call < maxCalls && seen.size < limit; call += 1) {
    const response = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(MAX_RECEIVE_BATCH, limit - seen.size),
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const fresh = (response.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      const deadLetter = toDeadLetter(message);
      if (seen.size < limit) seen.set(deadLetter.messageId, deadLetter);
    }
  }
  return [...seen.values()];
}

/** Starts an asynchronous move of every message of a DLQ back to its source queue. */
export async function redriveSqsDeadLetters(
  client: SQSClient,
  queues: { deadLetterQueueArn: string; sourceQueueArn: string },
): Promise<RedriveResult> {
  const response = await client.send(
    new StartMessageMoveTaskCommand({
      SourceArn: queues.deadLetterQueueArn,
      DestinationArn: queues.sourceQueueArn,
    }),
  );
  return { moved: null, taskHandle: response.TaskHandle ?? null };
}

export const sqsDeadLetters = { list: listSqsDeadLetters, redrive: redriveSqsDeadLetters };

interface DeadLetterTarget {
  sourceQueueArn: string;
  deadLetterQueueArn: string;
  deadLetterQueueUrl: string;
}

/**
 * Admin view of the dead letters of each job kind, and the depths of its queues. Only the source queue URLs
 * are configured; the DLQ is found through the source queue's redrive policy, so the two can never disagree.
 */
export class SqsDeadLetters implements DeadLetterAdmin, QueueStats {
  readonly listLimit = MAX_DEAD_LETTER_PEEK;
  readonly #client: SQSClient;
  readonly #queueUrlByKind: QueueAddresses;
  readonly #targets = new Map<JobKind, Promise<DeadLetterTarget>>();

  constructor(client: SQSClient, queueUrlByKind: QueueAddresses) {
    this.#client = client;
    this.#queueUrlByKind = queueUrlByKind;
  }

  async list(kind: JobKind, limit: number): Promise<DeadLetter[]> {
    const target = await this.#targetOf(kind);
    return listSqsDeadLetters(this.#client, target.deadLetterQueueUrl, limit);
  }

  async redrive(kind: JobKind): Promise<RedriveResult> {
    const target = await this.#targetOf(kind);
    return redriveSqsDeadLetters(this.#client, target);
  }

  /** PurgeQueue on the DLQ; SQS allows one purge per queue a minute and finishes it within that minute. */
  async purge(kind: JobKind): Promise<PurgeResult> {
    const target = await this.#targetOf(kind);
    const before = await this.#attributes(target.deadLetterQueueUrl, ['ApproximateNumberOfMessages']);
    try {
      await this.#client.send(new PurgeQueueCommand({ QueueUrl: target.deadLetterQueueUrl }));
    } catch (error: unknown) {
      if (error instanceof PurgeQueueInProgress) {
        throw new ConflictError(
          `A purge of the ${kind} dead letters is already running; try again in a minute`,
        );
      }
      throw error;
    }
    return { purged: before.ApproximateNumberOfMessages ?? 0 };
  }

  /** GetQueueAttributes of the queue and its DLQ; SQS has no age of the oldest message outside CloudWatch. */
  async read(kind: JobKind): Promise<QueueReading> {
    const target = await this.#targetOf(kind);
    const [work, dead] = await Promise.all([
      this.#attributes(this.#queueUrlOf(kind), [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ]),
      this.#attributes(target.deadLetterQueueUrl, [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
      ]),
    ]);
    return {
      visible: work.ApproximateNumberOfMessages ?? 0,
      inFlight: work.ApproximateNumberOfMessagesNotVisible ?? 0,
      delayed: work.ApproximateNumberOfMessagesDelayed ?? 0,
      oldestAgeSeconds: null,
      deadLetters:
        (dead.ApproximateNumberOfMessages ?? 0) + (dead.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }

  async #attributes<N extends QueueAttributeName>(
    queueUrl: string,
    names: readonly N[],
  ): Promise<Partial<Record<N, number>>> {
    const { Attributes: attributes = {} } = await this.#client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...names] }),
    );
    const counts: Partial<Record<N, number>> = {};
    for (const name of names) {
      const value = Number(attributes[name]);
      if (Number.isFinite(value)) counts[name] = value;
    }
    return counts;
  }

  #queueUrlOf(kind: JobKind): string {
    const queueUrl = this.#queueUrlByKind[kind];
    if (!queueUrl) throw new ValidationError('kind', `no queue is configured for job kind "${kind}"`);
    return queueUrl;
  }

  #targetOf(kind: JobKind): Promise<DeadLetterTarget> {
    const cached = this.#targets.get(kind);
    if (cached) return cached;
    const queueUrl = this.#queueUrlByKind[kind];
    if (!queueUrl)
      return Promise.reject(new ValidationError('kind', `no queue is configured for job kind "${kind}"`));
    const lookup = this.#lookUpTarget(kind, queueUrl);
    this.#targets.set(kind, lookup);
    // A failed lookup (throttling, a missing permission) must not be cached.
    lookup.catch(() => this.#targets.delete(kind));
    return lookup;
  }

  async #lookUpTarget(kind: JobKind, queueUrl: string): Promise<DeadLetterTarget> {
    const { Attributes: attributes } = await this.#client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'RedrivePolicy'] }),
    );
    const sourceQueueArn = attributes?.QueueArn;
    const deadLetterQueueArn = deadLetterTargetOf(attributes?.RedrivePolicy);
    if (!sourceQueueArn || !deadLetterQueueArn) {
      throw new ValidationError('kind', `the queue of job kind "${kind}" has no dead-letter queue`);
    }
    const { queueName, accountId } = parseQueueArn(deadLetterQueueArn);
    const { QueueUrl: deadLetterQueueUrl } = await this.#client.send(
      new GetQueueUrlCommand({ QueueName: queueName, QueueOwnerAWSAccountId: accountId }),
    );
    if (!deadLetterQueueUrl) throw new Error(`SQS returned no URL for ${deadLetterQueueArn}`);
    return { sourceQueueArn, deadLetterQueueArn, deadLetterQueueUrl };
  }
}

function deadLetterTargetOf(redrivePolicy: string | undefined): string | undefined {
  if (!redrivePolicy) return undefined;
  try {
    const policy: unknown = JSON.parse(redrivePolicy);
    if (policy && typeof policy === 'object' && 'deadLetterTargetArn' in policy) {
      const arn = policy.deadLetterTargetArn;
      return typeof arn === 'string' ? arn : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** arn:<partition>:sqs:<region>:<account>:<name> */
export function parseQueueArn(arn: string): { queueName: string; accountId: string; region: string } {
  const parts = arn.split(':');
  const [prefix, , service, region, accountId, queueName] = parts;
  if (parts.length !== 6 || prefix !== 'arn' || service !== 'sqs' || !region || !accountId || !queueName) {
    throw new ValidationError('queueArn', `is not an SQS queue ARN: ${arn}`);
  }
  return { queueName, accountId, region };
}

function toDeadLetter(message: Message): DeadLetter {
  const body = message.Body ?? '';
  const parsed = parseJobMessage(body);
  const sentTimestamp = Number(message.Attributes?.SentTimestamp);
  return {
    messageId: message.MessageId ?? '',
    body,
    jobId: parsed.ok ? parsed.message.jobId : null,
    kind: parsed.ok ? parsed.message.kind : null,
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0) || 0,
    sentAt: Number.isFinite(sentTimestamp) && sentTimestamp > 0 ? new Date(sentTimestamp) : null,
    sourceQueue: message.Attributes?.DeadLetterQueueSourceArn ?? null,
  };
}
