/**
 * What every worker Lambda builds once per container: configuration, the database connection, its queue's
 * retry delay, and the SQS handler from `makeJobWorker`. A worker supplies only its job kind and its work.
 */
import { z } from 'zod';
import type { DatabaseConnection } from '../adapters/db/client.ts';
import { openDatabase } from '../adapters/db/connection-from-config.ts';
import { createJobRepo } from '../adapters/db/job-repo.ts';
import { queueAdaptersFromConfig } from '../adapters/queue/queue-from-config.ts';
import type { JobKind } from '../core/jobs/job.ts';
import { jobKindDefinition } from '../core/jobs/registry.ts';
import type { JobWork } from '../core/jobs/run-job.ts';
import { databaseConfigSchema, parseConfig, queueConfigSchema } from './config.ts';
import { type JobWorkerHandler, makeJobWorker } from './sqs-worker.ts';

export const workerConfigSchema = z.object({
  RETRY_BASE_SECONDS: z.coerce.number().int().min(0).max(3600).default(2),
  RETRY_MAX_SECONDS: z.coerce.number().int().min(0).max(43_200).default(300),
});

type Env = Record<string, string | undefined>;

export async function createWorkerHandler(
  kind: JobKind,
  env: Env,
  work: (connection: DatabaseConnection) => JobWork,
): Promise<JobWorkerHandler> {
  const workerConfig = parseConfig(workerConfigSchema, env, 'worker');
  const queueConfig = parseConfig(queueConfigSchema, env, 'queue');
  const connection = await openDatabase(parseConfig(databaseConfigSchema, env, 'database'));
  const queues = queueAdaptersFromConfig(queueConfig, connection.sql);
  return makeJobWorker({
    kind,
    jobs: createJobRepo(connection.db),
    maxReceiveCount: jobKindDefinition(kind).queue.maxReceiveCount,
    work: work(connection),
    backoff: { baseSeconds: workerConfig.RETRY_BASE_SECONDS, maxSeconds: workerConfig.RETRY_MAX_SECONDS },
    retryDelay: queues.retryDelayFor(kind),
  });
}
