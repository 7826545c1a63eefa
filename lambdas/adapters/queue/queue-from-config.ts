/**
 * The queue adapters a function gets from its configuration: SQS on AWS, the Postgres-backed local queue when
 * QUEUE_DRIVER=postgres. The local queues come from the job-kind registry with the settings the CDK gives the
 * SQS queues (visibility, redrive after maxReceiveCount), so local behaviour matches AWS.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { JobKind } from '../../core/jobs/job.ts';
import { visibilityTimeoutSeconds } from '../../core/jobs/kind.ts';
import type {
  DeadLetterAdmin,
  JobQueue,
  QueueAddresses,
  QueueStats,
  RetryDelay,
} from '../../core/jobs/ports.ts';
import { JOB_KINDS } from '../../core/jobs/registry.ts';
import type { QueueConfig } from '../../shared/config.ts';
import { tracer } from '../../shared/observability.ts';
import type { Sql } from '../db/client.ts';
import { LocalDeadLetters, LocalJobQueue, LocalQueue, type LocalQueueDefinition } from './local-queue.ts';
import { SqsDeadLetters, SqsJobQueue, sqsRetryDelay } from './sqs-job-queue.ts';

export const deadLetterQueueName = (queueName: string): string => `${queueName}-dlq`;

/** Each kind's local queue name (the registry's `queue.name`). */
export function localQueueNames(): Record<JobKind, string> {
  return Object.fromEntries(
    JOB_KINDS.map((definition) => [definition.kind, definition.queue.name]),
  ) as Record<JobKind, string>;
}

/** Each kind's local queue and its dead-letter queue, as the CDK declares the SQS pair. */
export function localQueueDefinitions(): LocalQueueDefinition[] {
  return JOB_KINDS.map((definition) => ({
    name: definition.queue.name,
    visibilityTimeoutSeconds: visibilityTimeoutSeconds(definition),
    deadLetterQueue: {
      name: deadLetterQueueName(definition.queue.name),
      maxReceiveCount: definition.queue.maxReceiveCount,
    },
  }));
}

export interface QueueAdapters {
  jobQueue: JobQueue;
  deadLetters: DeadLetterAdmin;
  /** Depths of each kind's queue and DLQ (systemHealth, `/metrics`). */
  stats: QueueStats;
  retryDelayFor: (kind: JobKind) => RetryDelay;
}

let sqsClient: SQSClient | undefined;

export function queueAdaptersFromConfig(config: QueueConfig, sql: Sql): QueueAdapters {
  if (config.QUEUE_DRIVER === 'postgres') {
    const names = localQueueNames();
    const queue = new LocalQueue(sql, localQueueDefinitions());
    const deadLetters = new LocalDeadLetters(queue, names);
    return {
      jobQueue: new LocalJobQueue(queue, names),
      deadLetters,
      stats: deadLetters,
      retryDelayFor: (kind) => async (receiptHandle, seconds) => {
        await queue.changeVisibility(names[kind], receiptHandle, seconds);
      },
    };
  }
  const urls = config.JOB_QUEUE_URLS;
  // One traced client per container.
  sqsClient ??= tracer.captureAWSv3Client(new SQSClient({}));
  const client = sqsClient;
  const deadLetters = new SqsDeadLetters(client, urls);
  return {
    jobQueue: new SqsJobQueue(client, urls),
    deadLetters,
    stats: deadLetters,
    retryDelayFor: (kind) => sqsRetryDelay(client, queueUrlOf(urls, kind)),
  };
}

function queueUrlOf(urls: QueueAddresses, kind: JobKind): string {
  const url = urls[kind];
  if (!url) throw new Error(`No queue is configured for job kind "${kind}" (JOB_QUEUE_URLS)`);
  return url;
}
