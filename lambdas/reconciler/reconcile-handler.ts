import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { cloudWatchClient, recentInvocations } from '../adapters/activity/recent-invocations.ts';
import { lazyDatabase } from '../adapters/db/connection-from-config.ts';
import { createJobRepo } from '../adapters/db/job-repo.ts';
import { queueAdaptersFromConfig } from '../adapters/queue/queue-from-config.ts';
import { systemClock } from '../core/clock.ts';
import { technicalDetail } from '../core/failures.ts';
import type { Clock, JobQueue, JobRepo } from '../core/jobs/ports.ts';
import {
  ABANDONED_UPLOAD_AFTER_SECONDS,
  expireAbandonedUploads,
  type ReconcileResult,
  reconcileUnsentJobs,
} from '../core/jobs/reconcile.ts';
import { METRICS } from '../core/metrics.ts';
import { CONFIG_SECTIONS, type ConfigOf, configFromEnv } from '../shared/config.ts';
import {
  emit,
  type Handler,
  instrument,
  logger,
  type MetricsSink,
  metrics,
} from '../shared/observability.ts';

export interface ReconcilerDeps {
  /** Resolved per invocation so the database connection can be opened lazily and re-opened after a failure. */
  resolve: () => Promise<{ jobs: JobRepo; queue: JobQueue }>;
  clock: Clock;
  logger: Logger;
  metrics: Pick<MetricsSink, 'addMetric'>;
  olderThanSeconds: number;
  limit: number;
  /**
   * Whether there can be work: absent means always. A stage whose database pauses skips runs while the API
   * is idle, since connecting would wake the database.
   */
  active?: () => Promise<boolean>;
}

/** A run: jobs re-sent, and uploads failed because their file never arrived. */
export type ReconcilerRun = ReconcileResult & { expiredUploads: number };

const IDLE: ReconcilerRun = { found: 0, sent: 0, failed: 0, expiredUploads: 0 };

/** The scheduled reconciler: sends accepted jobs that never reached their queue (DESIGN §5). Wrap it in `instrument`. */
export function createReconcilerHandler(
  deps: ReconcilerDeps,
): (event: unknown, context: Context) => Promise<ReconcilerRun> {
  return async () => {
    try {
      if (deps.active && !(await deps.active())) {
        deps.logger.debug('The API has been idle: nothing to reconcile, the database is left asleep');
        return IDLE;
      }
      const { jobs, queue } = await deps.resolve();
      const result = await reconcileUnsentJobs(
        { jobs, queue, clock: deps.clock, log: deps.logger },
        { olderThanSeconds: deps.olderThanSeconds, limit: deps.limit },
      );
      emit(deps.metrics, METRICS.jobsReconciled, result.sent);
      emit(deps.metrics, METRICS.jobsReconcileFailures, result.failed);
      if (result.found > 0)
        deps.logger.info('Re-sent accepted jobs that never reached a queue', { ...result });
      const expiredUploads = await expireAbandonedUploads(
        { jobs, clock: deps.clock },
        { olderThanSeconds: ABANDONED_UPLOAD_AFTER_SECONDS, limit: deps.limit },
      );
      if (expiredUploads > 0) deps.logger.info('Failed uploads whose file never arrived', { expiredUploads });
      return { ...result, expiredUploads };
    } catch (error: unknown) {
      deps.logger.error('Reconciliation failed', { error: technicalDetail(error) });
      throw error;
    }
  };
}

export const reconcilerConfigSchema = z.object({
  /** Jobs younger than this may still be between their commit and their send: leave them alone. */
  RECONCILE_OLDER_THAN_SECONDS: z.coerce.number().int().min(0).default(120),
  RECONCILE_BATCH_LIMIT: z.coerce.number().int().min(1).max(1000).default(200),
  /**
   * Comma-separated function names (the resolver): runs are skipped unless one of them was invoked within
   * RECONCILE_ACTIVITY_MINUTES. Set on stages whose database pauses; unset, every run reconciles.
   */
  RECONCILE_WHEN_INVOKED: z
    .string()
    .optional()
    .transform((text) =>
      (text ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  /** Longer than the metric's delay (a minute or two) plus the reconcile threshold. */
  RECONCILE_ACTIVITY_MINUTES: z.coerce.number().int().min(5).max(1440).default(15),
});

const RECONCILER_CONFIG = {
  database: CONFIG_SECTIONS.database,
  queue: CONFIG_SECTIONS.queue,
  reconciler: { schema: reconcilerConfigSchema, label: 'reconciler' },
};
export type ReconcilerConfig = ConfigOf<typeof RECONCILER_CONFIG>;

/** Read once per container; a bad or missing value fails the cold start naming the variable. */
export const reconcilerConfigFromEnv = (env: Record<string, string | undefined>): ReconcilerConfig =>
  configFromEnv(RECONCILER_CONFIG, env);

/** The reconciler as the container builds it; the database opens on the first run, and again after a failure. */
export function createReconciler(config: ReconcilerConfig): Handler<unknown, ReconcilerRun> {
  const database = lazyDatabase(config.database);
  const { RECONCILE_WHEN_INVOKED: watched, RECONCILE_ACTIVITY_MINUTES: minutes } = config.reconciler;
  const active =
    watched.length > 0
      ? recentInvocations(cloudWatchClient(), watched, minutes, (error) =>
          logger.warn('Could not read API activity; reconciling anyway', { error: technicalDetail(error) }),
        )
      : undefined;
  const reconcile = createReconcilerHandler({
    async resolve() {
      const connection = await database();
      const { jobQueue } = queueAdaptersFromConfig(config.queue, connection.sql);
      return { jobs: createJobRepo(connection.db), queue: jobQueue };
    },
    clock: systemClock,
    logger,
    metrics,
    olderThanSeconds: config.reconciler.RECONCILE_OLDER_THAN_SECONDS,
    limit: config.reconciler.RECONCILE_BATCH_LIMIT,
    ...(active ? { active } : {}),
  });
  return instrument('reconciler', reconcile);
}
