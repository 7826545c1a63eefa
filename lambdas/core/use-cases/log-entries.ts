/**
 * Reading submitted logs back: their owner sees them, OPS and ADMIN see all; HR never gets the raw text (the
 * field is denied). Accepting and summarizing a log are the summarize-log job kind's use cases
 * (`core/jobs/kinds/summarize-log`).
 */
import type { Caller } from '../auth/roles.ts';
import { NotFoundError } from '../errors.ts';
import type { Job, JobStatus, NewJob } from '../jobs/job.ts';
import { type Cursor, type Page, type PageRequest, toPage } from '../pagination.ts';
import { assertCanRead, seesEveryone } from './access.ts';

export interface LogEntryRecord {
  id: string;
  ownerId: string;
  /** The submitted text, redacted. */
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
}

export interface LogSummaryResult {
  summary: Record<string, unknown>;
  text: string;
  templates: unknown[];
  generatedBy: string;
}

export interface LogEntryRepo {
  /**
   * Entry + job + creation record in one transaction; with a key already used by this owner, the first entry
   * and `created: false`.
   */
  create(
    entry: NewLogEntry,
    job: Pick<NewJob, 'kind' | 'traceId'>,
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

export async function getLogEntry(
  deps: { logEntries: Pick<LogEntryRepo, 'get'> },
  input: { caller: Caller; id: string },
): Promise<LogEntryRecord> {
  const entry = await deps.logEntries.get(input.id);
  if (!entry) throw new NotFoundError('Log entry');
  assertCanRead(input.caller, entry.ownerId, 'Log entry');
  return entry;
}

export async function listLogEntries(
  deps: { logEntries: Pick<LogEntryRepo, 'list'> },
  input: { caller: Caller; page: PageRequest; status: JobStatus | null },
): Promise<Page<LogEntryRecord>> {
  const { limit, after } = input.page;
  const rows = await deps.logEntries.list({
    ownerId: seesEveryone(input.caller) ? null : input.caller.userId,
    status: input.status,
    limit: limit + 1,
    after,
  });
  return toPage(rows, limit, (row) => row);
}
