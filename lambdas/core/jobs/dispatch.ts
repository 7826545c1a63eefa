import { describeError } from '../errors.ts';
import { type Job, jobMessageFor } from './job.ts';
import type { JobQueue, JobRepo, WarningLog } from './ports.ts';

export interface DispatchDeps {
  jobs: Pick<JobRepo, 'markEnqueued'>;
  queue: JobQueue;
  log?: WarningLog;
}

/**
 * Sends a job whose row the caller already committed (for example inside the transaction that created the
 * job's subject). Never throws: a failure leaves the job for the reconciler.
 */
export async function dispatchJob(deps: DispatchDeps, job: Job): Promise<Job> {
  try {
    await deps.queue.send(jobMessageFor(job));
  } catch (error: unknown) {
    deps.log?.warn('Job accepted but not sent; the reconciler will send it', {
      jobId: job.id,
      kind: job.kind,
      error: describeError(error),
    });
    return job;
  }
  try {
    await deps.jobs.markEnqueued(job.id);
  } catch (error: unknown) {
    // The message is on its way; at worst the reconciler sends it a second time, which consumers tolerate.
    deps.log?.warn('Job sent but not marked enqueued; it may be sent twice', {
      jobId: job.id,
      kind: job.kind,
      error: describeError(error),
    });
    return job;
  }
  return { ...job, enqueuedAt: job.enqueuedAt ?? new Date() };
}
