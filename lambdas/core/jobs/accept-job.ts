import { type Job, jobMessageFor, type NewJob, validateNewJob } from './job.ts';
import type { JobQueue, JobRepo, WarningLog } from './ports.ts';

export interface DispatchDeps {
  jobs: Pick<JobRepo, 'markEnqueued'>;
  queue: JobQueue;
  log?: WarningLog;
}

/**
 * Accepts a job: the row is committed before anything is sent, so an accepted job is durable even when the
 * queue is unreachable. A failed send is not the caller's problem: the job stays QUEUED with no
 * `enqueuedAt`, and the reconciler sends it later.
 */
export async function acceptJob(
  deps: DispatchDeps & { jobs: Pick<JobRepo, 'create' | 'markEnqueued'> },
  input: NewJob,
): Promise<Job> {
  const job = await deps.jobs.create(validateNewJob(input));
  return dispatchJob(deps, job);
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

const MAX_REASON_LENGTH = 1000;

/** A one-line, bounded description of a failure, fit for a job's `lastError` and for logs. */
export function describeError(error: unknown): string {
  const text =
    error instanceof Error
      ? error.message.trim() || error.name
      : typeof error === 'string'
        ? error
        : 'unknown error';
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > MAX_REASON_LENGTH ? `${oneLine.slice(0, MAX_REASON_LENGTH - 1)}…` : oneLine;
}
