/**
 * Reading submitted logs back: their owner sees them, OPS and ADMIN see all; HR never gets the raw text (the
 * field is denied). Accepting and summarizing a log are the summarize-log job kind's use cases
 * (`core/jobs/kinds/summarize-log`).
 */
import type { Caller } from '../auth/roles.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { IdempotentRequest } from '../idempotency.ts';
import type { Job, JobStatus, NewJob } from '../jobs/job.ts';
import { type Cursor, LIST_ANSWER_BYTES, type Page, type PageRequest, toPage } from '../pagination.ts';
import { assertCanRead, seesEveryone } from './access.ts';
import type { TicketChange } from './tickets.ts';

/** One recorded change of a log entry or of its job: who (null: the system), when, what. */
export type LogEntryChange = TicketChange;

export interface LogEntryRecord {
  id: string;
  ownerId: string;
  /** The submitted text, redacted; empty for an uploaded log (read from `objectKey`). */
  raw: string;
  /** Where an uploaded log lies (S3 key, or the path under the local data dir); null when submitted inline. */
  objectKey: string | null;
  format: string | null;
  /** The service or file the log came from (trimmed, lower-cased), or null. */
  source: string | null;
  /** The earlier entry of the same source the summary was compared with. */
  baselineEntryId: string | null;
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

/**
 * An entry as the API reads it: each of its large columns (`LargeLogColumn`) only when the caller asked for
 * it, null otherwise. A console polling the list while logs are pasted would otherwise read 20 × 5 MB of text,
 * and decode 20 summaries (KBs of JSON each) on every poll that shows only statuses.
 */
export type ListedLogEntry = Omit<LogEntryRecord, 'raw'> & { raw: string | null };

/**
 * The columns of an entry a read may leave out: its text and the parts of its summary. Whether an entry has
 * a summary is `summarizedAt`, which is always read (the summary's parts are written together with it).
 */
export type LargeLogColumn = 'raw' | 'summary' | 'summaryText' | 'templates';

/** Which large columns to read; those not wanted come back null. */
export type LogColumnsWanted = Readonly<Record<LargeLogColumn, boolean>>;

/** Only the small columns (status, sizes, times): what a history or an access check needs. */
export const SMALL_LOG_COLUMNS: LogColumnsWanted = {
  raw: false,
  summary: false,
  summaryText: false,
  templates: false,
};

export interface NewLogEntry {
  ownerId: string;
  /** An upload (createLogUpload): the job awaits the object, whose key the repository derives from the ids. */
  upload?: boolean;
  /** The uploaded file's name, recorded in the entry's history. */
  filename?: string;
  raw: string;
  format: string | null;
  source: string | null;
  sizeBytes: number;
  lineCount: number;
  redactions: Record<string, number>;
}

export interface LogSummaryResult {
  summary: Record<string, unknown>;
  text: string;
  templates: unknown[];
  generatedBy: string;
  /** Lines read, for an uploaded log (its line count is known only once it has been read). */
  lineCount?: number;
  /** Redactions made while reading an uploaded log (pasted text is redacted, and counted, on the way in). */
  redactions?: Record<string, number>;
  /** The entry the summary was compared with (same source, latest SUCCEEDED the owner can see). */
  baselineEntryId?: string | null;
}

/** The summary a later log of the same source is compared with. */
export interface LogBaseline {
  entryId: string;
  createdAt: Date;
  summary: Record<string, unknown>;
}

export interface LogEntryRepo {
  /**
   * Entry + job + creation record in one transaction; with a key this owner already used for the same request,
   * the first entry and `created: false`; for another request it throws `idempotencyKeyReused`.
   */
  create(
    entry: NewLogEntry,
    job: Pick<NewJob, 'kind' | 'traceId'>,
    idempotency: IdempotentRequest | null,
  ): Promise<{ entry: LogEntryRecord; created: boolean }>;
  get(id: string): Promise<LogEntryRecord | null>;
  /**
   * An entry as the API reads it: each large column (its text, up to 5 MB; its summary) only when `columns`
   * wants it, null otherwise. A console polling a large entry's status while it is summarized would otherwise
   * read its 5 MB on every poll.
   */
  read(id: string, columns: LogColumnsWanted): Promise<ListedLogEntry | null>;
  /** Each entry with only the large `columns` wanted; the others are null. */
  list(query: {
    ownerId: string | null;
    status: JobStatus | null;
    limit: number;
    after: Cursor | null;
    columns: LogColumnsWanted;
  }): Promise<{ row: ListedLogEntry; cursor: Cursor }[]>;
  /** Overwrites any earlier summary: a redelivered job writes the same result again. */
  saveSummary(id: string, result: LogSummaryResult): Promise<void>;
  /** The entry's changes and its job's steps, oldest first. */
  history(id: string, jobId: string): Promise<LogEntryChange[]>;
  /**
   * The latest entry of `entry`'s source created before it whose summary SUCCEEDED, among the entries its
   * owner can see (their own; everyone's when the owner's role sees everyone); null without a source.
   */
  baselineFor(
    entry: Pick<LogEntryRecord, 'id' | 'ownerId' | 'source' | 'createdAt'>,
  ): Promise<LogBaseline | null>;
}

export async function getLogEntry(
  deps: { logEntries: Pick<LogEntryRepo, 'read'> },
  input: {
    caller: Caller;
    id: string;
    /** The large columns the caller asked for (the text only if they may read it). */
    columns: LogColumnsWanted;
  },
): Promise<ListedLogEntry> {
  const entry = await deps.logEntries.read(input.id, input.columns);
  if (!entry) throw new NotFoundError('Log entry');
  assertCanRead(input.caller, entry.ownerId, 'Log entry');
  return entry;
}

/**
 * A page of the caller's entries (everyone's for OPS and ADMIN), each read with only the large `columns`
 * wanted and turned into its answer once (`view`). With `sizeOf` (bytes of one answer) the page stays within
 * LIST_ANSWER_BYTES.
 */
export async function listLogEntries<Item>(
  deps: { logEntries: Pick<LogEntryRepo, 'list'> },
  input: {
    caller: Caller;
    page: PageRequest;
    status: JobStatus | null;
    /** The large columns the caller asked for (the text only if they may read it). */
    columns: LogColumnsWanted;
    view: (entry: ListedLogEntry) => Item;
    sizeOf?: (item: Item) => number;
  },
): Promise<Page<Item>> {
  const { limit, after } = input.page;
  const rows = await deps.logEntries.list({
    ownerId: seesEveryone(input.caller) ? null : input.caller.userId,
    status: input.status,
    limit: limit + 1,
    after,
    columns: input.columns,
  });
  const budget = input.sizeOf ? { maxBytes: LIST_ANSWER_BYTES, sizeOf: input.sizeOf } : undefined;
  return toPage(rows, limit, input.view, budget);
}

/**
 * Who submitted the entry, every step of its summarize job (started, attempts that failed, succeeded or
 * failed for good, redriven) and each summary written, oldest first; readable by whoever may read the entry.
 */
export async function logEntryHistory(
  deps: { logEntries: Pick<LogEntryRepo, 'read' | 'history'> },
  input: { caller: Caller; id: string },
): Promise<LogEntryChange[]> {
  const entry = await getLogEntry(deps, { ...input, columns: SMALL_LOG_COLUMNS });
  return deps.logEntries.history(entry.id, entry.job.id);
}

/** Longest `source` accepted. */
export const MAX_SOURCE_CHARS = 200;

/**
 * A log's source as stored and compared: trimmed and lower-cased (`Payments-API` and `payments-api` are one
 * source), null when blank. Control characters are refused.
 */
export function normalisedSource(source: string | null | undefined): string | null {
  const trimmed = (source ?? '').trim();
  if (trimmed === '') return null;
  if (trimmed.length > MAX_SOURCE_CHARS) {
    throw new ValidationError('source', `must be at most ${MAX_SOURCE_CHARS} characters`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new ValidationError('source', 'must be one line of text');
  return trimmed.toLowerCase();
}
