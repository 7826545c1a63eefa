import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { lazyDatabase } from '../adapters/db/connection-from-config.ts';
import { createJobRepo } from '../adapters/db/job-repo.ts';
import { LocalJobQueue, LocalQueue } from '../adapters/queue/local-queue.ts';
import { SqsJobQueue } from '../adapters/queue/sqs-job-queue.ts';
import { systemClock } from '../core/jobs/ports.ts';
import { databaseConfigSchema, parseConfig, queueConfigSchema } from '../shared/config.ts';
import { logger, metrics } from '../shared/observability.ts';
import { createReconcilerHandler } from './reconcile-handler.ts';

const reconcilerConfigSchema = z.object({
  /** Jobs younger than this may still be between their commit and their send: leave them alone. */
  RECONCILE_OLDER_THAN_SECONDS: z.coerce.number().int().min(0).default(120),
  RECONCILE_BATCH_LIMIT: z.coerce.number().int().min(1).max(1000).default(200),
});

const databaseConfig = parseConfig(databaseConfigSchema, process.env, 'database');
const queueConfig = parseConfig(queueConfigSchema, process.env, 'queue');
const reconcilerConfig = parseConfig(reconcilerConfigSchema, process.env, 'reconciler');

const database = lazyDatabase(databaseConfig);
const sqsClient = queueConfig.QUEUE_DRIVER === 'sqs' ? new SQSClient({}) : undefined;
const localQueueDefinitions = Object.values(queueConfig.JOB_QUEUE_URLS).map((name) => ({
  name,
  visibilityTimeoutSeconds: 30,
}));

export const handler = createReconcilerHandler({
  async resolve() {
    const connection = await database();
    const queue = sqsClient
      ? new SqsJobQueue(sqsClient, queueConfig.JOB_QUEUE_URLS)
      : new LocalJobQueue(new LocalQueue(connection.sql, localQueueDefinitions), queueConfig.JOB_QUEUE_URLS);
    return { jobs: createJobRepo(connection.db), queue };
  },
  clock: systemClock,
  logger,
  metrics,
  olderThanSeconds: reconcilerConfig.RECONCILE_OLDER_THAN_SECONDS,
  limit: reconcilerConfig.RECONCILE_BATCH_LIMIT,
});
