/**
 * The queue adapters a function gets from its configuration: SQS on AWS, the Postgres-backed local queue when
 * QUEUE_DRIVER=postgres. The local topology mirrors the CDK work-queue construct (a DLQ per queue, the same
 * maxReceiveCount), so local behaviour matches AWS.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { JobKind } from '../../core/jobs/job.ts';
import type { DeadLetterAdmin, JobQueue, RetryDelay } from '../../core/jobs/ports.ts';
import type { QueueConfig } from '../../shared/config.ts';
import type { Sql } from '../db/client.ts';
import { LocalDeadLetters, LocalJobQueue, LocalQueue, type LocalQueueDefinition } from './local-queue.ts';
import { SqsDeadLetters, SqsJobQueue, sqsRetryDelay } from './sqs-job-queue.ts';

/** Same value as the CDK work queues' redrive policy. */
export const MAX_RECEIVE_COUNT = 5;
/** SQS's default; the CDK sets each queue to 6× its worker's timeout. */
export const LOCAL_VISIBILITY_TIMEOUT_SECONDS = 60;

export const deadLetterQueueName = (queueName: string): string => `${queueName}-dlq`;

export function localQueueDefinitions(
  queueNameByKind: Readonly<Record<JobKind, string>>,
): LocalQueueDefinition[] {
  return Object.values(queueNameByKind).map((name) => ({
    name,
    visibilityTimeoutSeconds: LOCAL_VISIBILITY_TIMEOUT_SECONDS,
    deadLetterQueue: { name: deadLetterQueueName(name), maxReceiveCount: MAX_RECEIVE_COUNT },
  }));
}

export interface QueueAdapters {
  jobQueue: JobQueue;
  deadLetters: DeadLetterAdmin;
  retryDelayFor: (kind: JobKind) => RetryDelay;
}

let sqsClient: SQSClient | undefined;

export function queueAdaptersFromConfig(config: QueueConfig, sql: Sql): QueueAdapters {
  const urls = config.JOB_QUEUE_URLS;
  if (config.QUEUE_DRIVER === 'postgres') {
    const queue = new LocalQueue(sql, localQueueDefinitions(urls));
    return {
      jobQueue: new LocalJobQueue(queue, urls),
      deadLetters: new LocalDeadLetters(queue, urls),
      retryDelayFor: (kind) => {
        const name = queueNameOf(urls, kind);
        return async (receiptHandle, seconds) => {
          await queue.changeVisibility(name, receiptHandle, seconds);
        };
      },
    };
  }
  sqsClient ??= new SQSClient({});
  const client = sqsClient;
  return {
    jobQueue: new SqsJobQueue(client, urls),
    deadLetters: new SqsDeadLetters(client, urls),
    retryDelayFor: (kind) => sqsRetryDelay(client, queueNameOf(urls, kind)),
  };
}

function queueNameOf(urls: Readonly<Record<JobKind, string>>, kind: JobKind): string {
  const url = urls[kind];
  if (!url) throw new Error(`No queue is configured for job kind "${kind}" (JOB_QUEUE_URLS)`);
  return url;
}
