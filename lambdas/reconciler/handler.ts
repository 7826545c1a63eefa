import { z } from 'zod';
import { lazyDatabase } from '../adapters/db/connection-from-config.ts';
import { createJobRepo } from '../adapters/db/job-repo.ts';
import { queueAdaptersFromConfig } from '../adapters/queue/queue-from-config.ts';
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

export const handler = createReconcilerHandler({
  async resolve() {
    const connection = await database();
    const { jobQueue } = queueAdaptersFromConfig(queueConfig, connection.sql);
    return { jobs: createJobRepo(connection.db), queue: jobQueue };
  },
  clock: systemClock,
  logger,
  metrics,
  olderThanSeconds: reconcilerConfig.RECONCILE_OLDER_THAN_SECONDS,
  limit: reconcilerConfig.RECONCILE_BATCH_LIMIT,
});
