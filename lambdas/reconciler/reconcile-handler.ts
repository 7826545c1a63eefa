import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { describeError } from '../core/errors.ts';
import type { Clock, JobQueue, JobRepo } from '../core/jobs/ports.ts';
import { type ReconcileResult, reconcileUnsentJobs } from '../core/jobs/reconcile.ts';
import type { MetricsSink } from '../shared/sqs-worker.ts';

export interface ReconcilerDeps {
  /** Resolved per invocation so the database connection can be opened lazily and re-opened after a failure. */
  resolve: () => Promise<{ jobs: JobRepo; queue: JobQueue }>;
  clock: Clock;
  logger: Logger;
  metrics: MetricsSink;
  olderThanSeconds: number;
  limit: number;
}

/** The scheduled reconciler: sends accepted jobs that never reached their queue (DESIGN §5). */
export function createReconcilerHandler(
  deps: ReconcilerDeps,
): (event: unknown, context: Context) => Promise<ReconcileResult> {
  return async (_event, context) => {
    deps.logger.addContext(context);
    try {
      const { jobs, queue } = await deps.resolve();
      const result = await reconcileUnsentJobs(
        { jobs, queue, clock: deps.clock, log: deps.logger },
        { olderThanSeconds: deps.olderThanSeconds, limit: deps.limit },
      );
      deps.metrics.addMetric('JobsReconciled', MetricUnit.Count, result.sent);
      deps.metrics.addMetric('JobsReconcileFailures', MetricUnit.Count, result.failed);
      if (result.found > 0)
        deps.logger.info('Re-sent accepted jobs that never reached a queue', { ...result });
      return result;
    } catch (error: unknown) {
      deps.logger.error('Reconciliation failed', { error: describeError(error) });
      throw error;
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}
