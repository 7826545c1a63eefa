/**
 * What every worker builds once per container from its configuration object: the lazily opened database, its
 * queue's retry delay and the SQS handler from `makeJobWorker`, instrumented like every handler. A worker
 * supplies only its job kind and its work. On AWS, `workerConfigFromEnv(process.env)` builds the object; the
 * local runtime builds the same object itself.
 */
import { z } from 'zod';
import type { DatabaseConnection } from '../adapters/db/client.ts';
import { lazyDatabase } from '../adapters/db/connection-from-config.ts';
import { createJobRepo } from '../adapters/db/job-repo.ts';
import { queueAdaptersFromConfig } from '../adapters/queue/queue-from-config.ts';
import type { JobKind } from '../core/jobs/job.ts';
import { jobKindDefinition } from '../core/jobs/registry.ts';
import type { JobWork } from '../core/jobs/run-job.ts';
import { CONFIG_SECTIONS, type ConfigOf, configFromEnv } from '../shared/config.ts';
import { instrument } from '../shared/observability.ts';
import { type JobWorkerHandler, makeJobWorker } from '../shared/sqs-worker.ts';

export const retryConfigSchema = z.object({
  RETRY_BASE_SECONDS: z.coerce.number().int().min(0).max(3600).default(2),
  RETRY_MAX_SECONDS: z.coerce.number().int().min(0).max(43_200).default(300),
});
export type RetryConfig = z.infer<typeof retryConfigSchema>;

const { database, queue, llm, triage, redaction, uploads } = CONFIG_SECTIONS;
const WORKER_CONFIG = {
  database,
  queue,
  retry: { schema: retryConfigSchema, label: 'worker' },
  llm,
  triage,
  redaction,
  uploads,
};

/** Everything a worker of any kind is configured with (each takes the sections it needs). */
export type WorkerConfig = ConfigOf<typeof WORKER_CONFIG>;

/** Read once per container; a bad or missing value fails the cold start naming the variable. */
export const workerConfigFromEnv = (env: Record<string, string | undefined>): WorkerConfig =>
  configFromEnv(WORKER_CONFIG, env);

/** A worker module (`<function>/worker.ts`): what the Lambda entry and the local runtime call. */
export interface WorkerFactoryModule {
  createWorker(config: WorkerConfig): JobWorkerHandler;
}

/**
 * The database opens on the first batch, not at import: a transient failure fails that batch (the queue
 * delivers it again) instead of the container's init, and the next batch tries again.
 */
export function createWorkerHandler(
  kind: JobKind,
  config: WorkerConfig,
  work: (connection: DatabaseConnection) => JobWork,
): JobWorkerHandler {
  const database = lazyDatabase(config.database);
  let built: { connection: DatabaseConnection; worker: JobWorkerHandler } | undefined;
  const ready = async (): Promise<JobWorkerHandler> => {
    const connection = await database();
    if (built?.connection === connection) return built.worker;
    const queues = queueAdaptersFromConfig(config.queue, connection.sql);
    const worker = makeJobWorker({
      kind,
      jobs: createJobRepo(connection.db),
      maxReceiveCount: jobKindDefinition(kind).queue.maxReceiveCount,
      work: work(connection),
      backoff: { baseSeconds: config.retry.RETRY_BASE_SECONDS, maxSeconds: config.retry.RETRY_MAX_SECONDS },
      retryDelay: queues.retryDelayFor(kind),
    });
    built = { connection, worker };
    return worker;
  };
  return instrument(`worker ${kind}`, async (event, context) => (await ready())(event, context));
}
