/**
 * The life of a submitted log: accepted (redacted, stored, job committed, then queued), summarized by the
 * worker, read back by its owner (or OPS/ADMIN). Raw text is never kept unredacted and HR never gets it.
 */
import type { Caller } from '../auth/roles.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { dispatchJob } from '../jobs/accept-job.ts';
import { JOB_KINDS, type Job, type JobStatus } from '../jobs/job.ts';
import type { JobQueue, JobRepo, WarningLog } from '../jobs/ports.ts';
import { looksBinary, MAX_RAW_LOG_BYTES, utf8Length } from '../logs/summarize-log.ts';
import { type Cursor, type Page, pageRequest, toPage } from '../pagination.ts';
import { Redactor } from '../redaction/redact.ts';
import { assertCanRead, optionalIdempotencyKey, requireId, seesEveryone } from './access.ts';

export const MAX_FORMAT_LENGTH = 500;

export interface LogEntryRecord {
  id: string;
  ownerId: string;
  raw: string;
  format: string | null;
  sizeBytes: number;
  lineCount: number;
  redactions: Record<string, number>;
  summary: Record<string, unknown> | null;
  summaryText: string | null;
  templates: unknown[] | null;
  generatedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  summarizedAt: Date | null;
  job: Job;
}

export interface NewLogEntry {
  ownerId: string;
  raw: string;
  format: string | null;
  sizeBytes: number;
  lineCount: number;
  redactions: Record<string, number>;
  traceId: string | null;
}

export interface LogSummaryResult {
  summary: Record<string, unknown>;
  text: string;
  templates: unknown[];
  generatedBy: string;
}

export interface LogEntryRepo {
  /** Entry + job in one transaction; with a key already used by this owner, the first entry and `created: false`. */
  create(
    entry: NewLogEntry,
    idempotencyKey: string | null,
  ): Promise<{ entry: LogEntryRecord; created: boolean }>;
  get(id: string): Promise<LogEntryRecord | null>;
  list(query: {
    ownerId: string | null;
    status: JobStatus | null;
    limit: number;
    after: Cursor | null;
  }): Promise<{ row: LogEntryRecord; cursor: Cursor }[]>;
  /** Overwrites any earlier summary: a redelivered job writes the same result again. */
  saveSummary(id: string, result: LogSummaryResult): Promise<void>;
}

/**
 * The summarizer the worker uses (the local miner, or a model on top of it). `receivedAt` is the upload
 * time: dates written without a year take its year.
 */
export type SummarizeLog = (
  raw: string,
  options: { format: string | null; receivedAt?: Date },
) => Promise<LogSummaryResult>;

/** Checks that run before any work: a bad log is refused with a ValidationError naming the field. */
export function validateRawLog(raw: unknown): { raw: string; sizeBytes: number } {
  if (typeof raw !== 'string') throw new ValidationError('raw', 'must be a string');
  const sizeBytes = utf8Length(raw);
  if (sizeBytes > MAX_RAW_LOG_BYTES) {
    throw new ValidationError('raw', `is ${sizeBytes} bytes; the limit is ${MAX_RAW_LOG_BYTES} bytes (5 MB)`);
  }
  if (raw.trim() === '') throw new ValidationError('raw', 'is empty');
  if (looksBinary(raw))
    throw new ValidationError('raw', 'looks like binary data or text that is not UTF-8, not a log');
  return { raw, sizeBytes };
}

function validateFormat(format: unknown, check: (format: string) => void): string | null {
  if (format === undefined || format === null || format === '') return null;
  if (typeof format !== 'string' || format.length > MAX_FORMAT_LENGTH) {
    throw new ValidationError(
      'format',
      `must be a Loghub-style format of at most ${MAX_FORMAT_LENGTH} characters`,
    );
  }
  try {
    check(format);
  } catch (error: unknown) {
    throw new ValidationError('format', error instanceof Error ? error.message : 'is not a valid log format');
  }
  return format;
}

export interface SubmitLogDeps {
  logEntries: LogEntryRepo;
  jobs: JobRepo;
  queue: JobQueue;
  /** Validates an explicit header format (throws with a reason when it is not one). */
  checkFormat: (format: string) => void;
  log?: WarningLog;
}

export async function submitLog(
  deps: SubmitLogDeps,
  input: {
    caller: Caller;
    raw: unknown;
    format?: unknown;
    idempotencyKey?: unknown;
    traceId?: string | null;
  },
): Promise<LogEntryRecord> {
  const { raw, sizeBytes } = validateRawLog(input.raw);
  const format = validateFormat(input.format, deps.checkFormat);
  const idempotencyKey = optionalIdempotencyKey(input.idempotencyKey);
  const redactor = new Redactor();
  const redacted = raw
    .split('\n')
    .map((line) => redactor.redact(line))
    .join('\n');
  const lineCount = raw.endsWith('\n') ? raw.split('\n').length - 1 : raw.split('\n').length;
  const { entry, created } = await deps.logEntries.create(
    {
      ownerId: input.caller.userId,
      raw: redacted,
      format,
      sizeBytes,
      lineCount,
      redactions: { ...redactor.counts },
      traceId: input.traceId ?? null,
    },
    idempotencyKey,
  );
  if (!created) return entry;
  const job = await dispatchJob({ jobs: deps.jobs, queue: deps.queue, log: deps.log }, entry.job);
  return { ...entry, job };
}

export async function getLogEntry(
  deps: { logEntries: LogEntryRepo },
  input: { caller: Caller; id: unknown },
): Promise<LogEntryRecord> {
  const entry = await deps.logEntries.get(requireId(input.id));
  if (!entry) throw new NotFoundError('Log entry');
  assertCanRead(input.caller, entry.ownerId, 'Log entry');
  return entry;
}

const JOB_STATUSES: readonly JobStatus[] = ['QUEUED', 'PROCESSING', 'SUCCEEDED', 'FAILED'];

export async function listLogEntries(
  deps: { logEntries: LogEntryRepo },
  input: { caller: Caller; limit?: unknown; nextToken?: unknown; status?: unknown },
): Promise<Page<LogEntryRecord>> {
  const { limit, after } = pageRequest(input);
  let status: JobStatus | null = null;
  if (input.status !== undefined && input.status !== null) {
    if (!JOB_STATUSES.includes(input.status as JobStatus))
      throw new ValidationError('status', 'is not a job status');
    status = input.status as JobStatus;
  }
  const rows = await deps.logEntries.list({
    ownerId: seesEveryone(input.caller) ? null : input.caller.userId,
    status,
    limit: limit + 1,
    after,
  });
  return toPage(rows, limit, (row) => row);
}

/** The worker's part: summarize the stored (redacted) text of the job's entry. */
export async function summarizeLogEntry(
  deps: { logEntries: LogEntryRepo; summarize: SummarizeLog },
  job: Job,
): Promise<{ model: string | null }> {
  if (job.kind !== JOB_KINDS.summarizeLog || !job.subjectId) {
    throw new ValidationError('job', `job ${job.id} is not a log summary job`);
  }
  const entry = await deps.logEntries.get(job.subjectId);
  if (!entry) throw new ValidationError('job', `log entry ${job.subjectId} no longer exists`);
  const result = await deps.summarize(entry.raw, { format: entry.format, receivedAt: entry.createdAt });
  await deps.logEntries.saveSummary(entry.id, result);
  return { model: result.generatedBy === 'local' ? null : result.generatedBy };
}
