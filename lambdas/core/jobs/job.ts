import { z } from 'zod';
import { JOB_KIND_NAMES, type JobKind } from './registry.ts';

export type { JobKind } from './registry.ts';

/**
 * AWAITING_UPLOAD: a job whose input is an object still to be uploaded (createLogUpload); the upload's arrival
 * (S3's object-created event, or the local endpoint's PUT) sends its message. Last, so adding it to the
 * Postgres enum is an append (expand-only).
 */
export const JOB_STATUSES = ['QUEUED', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'AWAITING_UPLOAD'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface Job {
  id: string;
  kind: JobKind;
  status: JobStatus;
  subjectId: string | null;
  ownerId: string | null;
  attempts: number;
  lastError: string | null;
  traceId: string | null;
  model: string | null;
  createdAt: Date;
  updatedAt: Date;
  enqueuedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The first and the latest failed attempt, if any. */
  firstFailedAt: Date | null;
  lastFailedAt: Date | null;
}

export interface NewJob {
  kind: JobKind;
  subjectId?: string | null;
  ownerId?: string | null;
  traceId?: string | null;
  /** QUEUED (default), or AWAITING_UPLOAD for a job whose input is still to be uploaded. */
  status?: 'QUEUED' | 'AWAITING_UPLOAD';
}

/** What travels through the queue: ids only, never the payload (DESIGN §5). */
export interface JobMessage {
  jobId: string;
  kind: JobKind;
  traceId?: string;
}

const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['SUCCEEDED', 'FAILED']);

export const isFinal = (status: JobStatus): boolean => FINAL_STATUSES.has(status);

const MAX_TRACE_ID_LENGTH = 200;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const jobMessageSchema = z.object({
  jobId: z.string().regex(UUID_PATTERN, 'must be a UUID'),
  kind: z.enum(JOB_KIND_NAMES, { error: `must be one of ${JOB_KIND_NAMES.join(', ')}` }),
  traceId: z.string().min(1).max(MAX_TRACE_ID_LENGTH).optional(),
});

export function jobMessageFor(job: Pick<Job, 'id' | 'kind' | 'traceId'>): JobMessage {
  return job.traceId
    ? { jobId: job.id, kind: job.kind, traceId: job.traceId }
    : { jobId: job.id, kind: job.kind };
}

export type ParsedJobMessage = { ok: true; message: JobMessage } | { ok: false; problem: string };

/** The queue body of a job message: ids only (DESIGN §5). `parseJobMessage` reads it back. */
export function serializeJobMessage(message: JobMessage): string {
  return JSON.stringify({ jobId: message.jobId, kind: message.kind, traceId: message.traceId });
}

/** Parses a queue body; a body that fails here is a poison message and can never succeed. */
export function parseJobMessage(body: string): ParsedJobMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problem: 'body is not JSON' };
  }
  const result = jobMessageSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
    return { ok: false, problem: problems.join('; ') };
  }
  const { jobId, kind, traceId } = result.data;
  return { ok: true, message: traceId ? { jobId, kind, traceId } : { jobId, kind } };
}
