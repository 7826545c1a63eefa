export { acceptJob, type DispatchDeps, describeError, dispatchJob } from './accept-job.ts';
export { type BackoffPolicy, fullJitterDelaySeconds, MAX_RETRY_DELAY_SECONDS } from './backoff.ts';
export {
  canTransition,
  isFinal,
  JOB_KINDS,
  type Job,
  type JobKind,
  type JobMessage,
  type JobStatus,
  jobMessageFor,
  jobMessageSchema,
  type NewJob,
  type ParsedJobMessage,
  parseJobMessage,
  validateNewJob,
} from './job.ts';
export type {
  Clock,
  DeadLetter,
  DeadLetterAdmin,
  JobQueue,
  JobRepo,
  RedriveResult,
  RetryDelay,
  WarningLog,
} from './ports.ts';
export { systemClock } from './ports.ts';
export { MAX_RECONCILE_LIMIT, type ReconcileResult, reconcileUnsentJobs } from './reconcile.ts';
export {
  type JobWork,
  type JobWorkResult,
  PermanentJobError,
  type RunJobOutcome,
  runJob,
  UnknownJobError,
} from './run-job.ts';
