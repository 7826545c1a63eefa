import { AppError, describeError, ValidationError } from '../errors.ts';
import { safeReason, technicalDetail } from '../failures.ts';
import { isFinal, type Job, type JobKind, type JobMessage } from './job.ts';
import type { JobRepo, WarningLog } from './ports.ts';

export interface JobWorkResult {
  /** The model that produced the result, when an LLM was used. */
  model?: string | null;
}

/** The work of one job kind. It may run more than once for a job (at-least-once delivery): make it idempotent. */
export type JobWork = (job: Job) => Promise<JobWorkResult>;

/** Thrown by work when retrying cannot help (the subject is gone, the input is invalid): fails the job now. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** A message names a job that does not exist, or with another kind: a poison message. */
export class UnknownJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownJobError';
  }
}

/** The subject a job of `kind` works on; a job of another kind or without a subject can never succeed. */
export function subjectOf(job: Pick<Job, 'id' | 'kind' | 'subjectId'>, kind: JobKind): string {
  if (job.kind !== kind || !job.subjectId) {
    throw new PermanentJobError(`job ${job.id} is not a ${kind} job with a subject`);
  }
  return job.subjectId;
}

export type RunJobOutcome =
  | { status: 'succeeded'; job: Job }
  | {
      status: 'failed';
      job: Job;
      reason: string;
      detail: string;
      /** The job's input was refused (a ValidationError: a bad gzip, a binary file): the submitter's doing. */
      byInput: boolean;
    }
  | { status: 'skipped'; jobId: string; reason: 'already-final' };

const isPermanent = (error: unknown): boolean =>
  error instanceof PermanentJobError || error instanceof ValidationError;

/** Our own errors carry messages written for the job's owner; anything else may hold SQL or parameters. */
const hasOwnMessage = (error: unknown): boolean =>
  error instanceof AppError || error instanceof PermanentJobError || error instanceof UnknownJobError;

/** The reason a job's owner reads in `lastError` (classified, never SQL); the detail goes to the logs. */
export const jobFailureReason = (error: unknown): string => safeReason(error, hasOwnMessage);

/**
 * Runs one delivery of a job message. Idempotent: a delivery of a job that is already final changes nothing.
 * A failure that can be retried is rethrown so the queue delivers the message again; on the last allowed
 * delivery the job is marked FAILED first, with a readable reason, since the message goes to the DLQ next.
 */
export async function runJob(
  deps: { jobs: JobRepo; log?: WarningLog },
  message: JobMessage,
  receiveCount: number,
  maxReceiveCount: number,
  work: JobWork,
): Promise<RunJobOutcome> {
  const current = await deps.jobs.get(message.jobId);
  if (!current) throw new UnknownJobError(`Job ${message.jobId} does not exist`);
  if (current.kind !== message.kind) {
    throw new UnknownJobError(`Job ${message.jobId} is a ${current.kind} job, not ${message.kind}`);
  }
  if (isFinal(current.status)) return { status: 'skipped', jobId: current.id, reason: 'already-final' };
  const claimed = await deps.jobs.claim(current.id);
  if (!claimed) return { status: 'skipped', jobId: current.id, reason: 'already-final' };

  let result: JobWorkResult;
  try {
    result = await work(claimed);
  } catch (error: unknown) {
    const reason = jobFailureReason(error);
    if (isPermanent(error)) {
      await deps.jobs.markFailed(claimed.id, reason);
      const job: Job = { ...claimed, status: 'FAILED', lastError: reason };
      return {
        status: 'failed',
        job,
        reason,
        detail: technicalDetail(error),
        byInput: error instanceof ValidationError,
      };
    }
    if (receiveCount >= maxReceiveCount) {
      const attempts = claimed.attempts === 1 ? '1 attempt' : `${claimed.attempts} attempts`;
      await settle(deps, claimed.id, () =>
        deps.jobs.markFailed(claimed.id, `Gave up after ${attempts}: ${reason}`),
      );
    } else {
      await settle(deps, claimed.id, () => deps.jobs.recordAttemptError(claimed.id, reason));
    }
    throw error;
  }
  const finished = await deps.jobs.markSucceeded(claimed.id, { model: result.model ?? null });
  if (!finished) return { status: 'skipped', jobId: claimed.id, reason: 'already-final' };
  return { status: 'succeeded', job: { ...claimed, status: 'SUCCEEDED', model: result.model ?? null } };
}

/** Bookkeeping after a failed attempt must not hide the attempt's own error, which is what gets rethrown. */
async function settle(
  deps: { log?: WarningLog },
  jobId: string,
  write: () => Promise<unknown>,
): Promise<void> {
  try {
    await write();
  } catch (error: unknown) {
    deps.log?.warn('Could not record the failure of a job attempt', { jobId, error: describeError(error) });
  }
}
