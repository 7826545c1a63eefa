import { describeError, ValidationError } from '../errors.ts';
import { jobMessageFor } from './job.ts';
import { UPLOAD_URL_TTL_SECONDS } from './kinds/summarize-log/upload.ts';
import type { Clock, JobQueue, JobRepo, WarningLog } from './ports.ts';

export interface ReconcileResult {
  /** Accepted jobs found that had never reached a queue. */
  found: number;
  sent: number;
  /** Sends that failed again; those jobs are picked up by the next run. */
  failed: number;
}

export const MAX_RECONCILE_LIMIT = 1000;

/**
 * Sends accepted jobs that never reached their queue. Only jobs older than the threshold are touched, so
 * a resolver that is between its commit and its send is left alone; if the two still overlap, the job is
 * sent twice, which idempotent consumers absorb.
 */
export async function reconcileUnsentJobs(
  deps: {
    jobs: Pick<JobRepo, 'findUnsent' | 'markEnqueued'>;
    queue: JobQueue;
    clock: Clock;
    log?: WarningLog;
  },
  options: { olderThanSeconds: number; limit: number },
): Promise<ReconcileResult> {
  if (!Number.isFinite(options.olderThanSeconds) || options.olderThanSeconds < 0) {
    throw new ValidationError('olderThanSeconds', 'must be a number of seconds, zero or more');
  }
  if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > MAX_RECONCILE_LIMIT) {
    throw new ValidationError('limit', `must be an integer from 1 to ${MAX_RECONCILE_LIMIT}`);
  }
  const olderThan = new Date(deps.clock.now().getTime() - options.olderThanSeconds * 1000);
  const unsent = await deps.jobs.findUnsent(olderThan, options.limit);
  let sent = 0;
  let failed = 0;
  for (const job of unsent) {
    try {
      await deps.queue.send(jobMessageFor(job));
    } catch (error: unknown) {
      failed += 1;
      deps.log?.warn('Reconciler could not send job', {
        jobId: job.id,
        kind: job.kind,
        error: describeError(error),
      });
      continue;
    }
    sent += 1;
    try {
      await deps.jobs.markEnqueued(job.id);
    } catch (error: unknown) {
      deps.log?.warn('Reconciler sent job but could not mark it enqueued', {
        jobId: job.id,
        error: describeError(error),
      });
    }
  }
  return { found: unsent.length, sent, failed };
}

/** An upload URL lives 15 minutes; an hour more lets a large transfer that started in time finish. */
export const ABANDONED_UPLOAD_AFTER_SECONDS = UPLOAD_URL_TTL_SECONDS + 3600;

/** What the owner of an upload that never arrived reads as the job's reason. */
export const ABANDONED_UPLOAD_REASON =
  'The file was never uploaded: its upload URL expired. Create a new upload to summarize it.';

/**
 * Fails uploads that never arrived (createLogUpload answered a URL, nobody PUT the file), so no entry waits
 * for ever. Only jobs older than `olderThanSeconds` (the URL's lifetime plus a margin for a slow transfer
 * that started in time) are touched; an upload arriving later finds the job final and is left alone.
 */
export async function expireAbandonedUploads(
  deps: { jobs: Pick<JobRepo, 'findAbandonedUploads' | 'markFailed'>; clock: Clock },
  options: { olderThanSeconds: number; limit: number },
): Promise<number> {
  const olderThan = new Date(deps.clock.now().getTime() - options.olderThanSeconds * 1000);
  const abandoned = await deps.jobs.findAbandonedUploads(olderThan, options.limit);
  let expired = 0;
  for (const job of abandoned) {
    if (await deps.jobs.markFailed(job.id, ABANDONED_UPLOAD_REASON)) expired += 1;
  }
  return expired;
}
