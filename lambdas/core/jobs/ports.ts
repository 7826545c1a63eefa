import type { Job, JobKind, JobMessage, NewJob } from './job.ts';

export { type Clock, systemClock } from '../clock.ts';

/** The one logging capability the use cases need; Powertools Logger satisfies it. */
export interface WarningLog {
  warn(message: string, details: Record<string, unknown>): void;
}

/** Where each kind's messages go: a queue URL (SQS) or a local queue name; a worker knows only its own. */
export type QueueAddresses = Readonly<Partial<Record<JobKind, string>>>;

export interface JobQueue {
  send(message: JobMessage, options?: { delaySeconds?: number }): Promise<void>;
}

/**
 * Persistence of jobs. Every state change is conditional on the current status, so a write that loses a
 * race (a duplicate delivery, a late redelivery) changes nothing and reports that through its result.
 */
export interface JobRepo {
  create(job: NewJob): Promise<Job>;
  get(id: string): Promise<Job | undefined>;
  /** Records that the queue accepted the message; only the first call has an effect. */
  markEnqueued(id: string): Promise<void>;
  /** QUEUED|PROCESSING → PROCESSING, attempts + 1. Undefined when the job is missing or already final. */
  claim(id: string): Promise<Job | undefined>;
  /** Keeps the reason of a failed attempt that will be retried. */
  recordAttemptError(id: string, reason: string): Promise<void>;
  /** PROCESSING → SUCCEEDED; false when the job was not PROCESSING (someone else finished it). */
  markSucceeded(id: string, result?: { model?: string | null }): Promise<boolean>;
  /** QUEUED|PROCESSING → FAILED; false when the job was already final. */
  markFailed(id: string, reason: string): Promise<boolean>;
  /** QUEUED jobs that never reached a queue, created before `olderThan`, oldest first. */
  findUnsent(olderThan: Date, limit: number): Promise<Job[]>;
  /** AWAITING_UPLOAD jobs created before `olderThan` (their upload never arrived), oldest first. */
  findAbandonedUploads(olderThan: Date, limit: number): Promise<Job[]>;
  /**
   * A redrive: every job that has not SUCCEEDED goes back to QUEUED with a fresh attempt budget (attempts 0, no
   * last error, not finished), and its history records who redrove it and when. False for a SUCCEEDED or
   * missing job, which the redriven message then leaves alone.
   */
  rearm(id: string, by: { actorId: string | null; at: Date }): Promise<boolean>;
}

/** Jobs by id, for views that start from queue messages (dead letters). Missing ids are left out. */
export interface JobLookup {
  findMany(ids: readonly string[]): Promise<Job[]>;
}

/** Delays the next delivery of a received message (SQS ChangeMessageVisibility or its local twin). */
export type RetryDelay = (receiptHandle: string, seconds: number) => Promise<void>;

/** A message parked in a dead-letter queue, as admins see it. */
export interface DeadLetter {
  messageId: string;
  body: string;
  /** From the body when it is a well-formed job message. */
  jobId: string | null;
  kind: JobKind | null;
  receiveCount: number;
  sentAt: Date | null;
  /** The queue the message was dead-lettered from, when known. */
  sourceQueue: string | null;
}

export interface RedriveResult {
  /** Messages moved back, when the move is synchronous (local queue). */
  moved: number | null;
  /** The handle of the asynchronous move task (SQS StartMessageMoveTask). */
  taskHandle: string | null;
}

export interface PurgeResult {
  /** Messages deleted (local queue), or about how many the queue held when the purge began (SQS). */
  purged: number;
}

/** Admin access to the dead letters of each job kind's queue. */
export interface DeadLetterAdmin {
  /** The most letters one `list` call returns (SQS peeks at most 100, the local queue 1000). */
  readonly listLimit: number;
  list(kind: JobKind, limit: number): Promise<DeadLetter[]>;
  redrive(kind: JobKind): Promise<RedriveResult>;
  /** Deletes every dead letter of the kind (SQS PurgeQueue, which finishes within a minute). */
  purge(kind: JobKind): Promise<PurgeResult>;
}

/** A reading of one job kind's queue and dead-letter queue (SQS's numbers are approximate). */
export interface QueueReading {
  /** Ready to be received. */
  visible: number;
  /** Received by a worker and not deleted yet (including retries waiting out their backoff). */
  inFlight: number;
  /** Sent with a delay that has not passed. */
  delayed: number;
  /** Age of the oldest message; null where the queue cannot tell (SQS has it as a CloudWatch metric only). */
  oldestAgeSeconds: number | null;
  deadLetters: number;
}

export interface QueueStats {
  read(kind: JobKind): Promise<QueueReading>;
}
