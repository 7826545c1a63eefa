/**
 * Running a summarize job: the stored (already redacted) text of the entry goes through the template miner;
 * a model, when one may be used, refines that result from its digest (an optional port, never a second
 * pass over the log); the summary is stored on the entry. Idempotent: a redelivery writes the same result.
 */
import { emptyRedactionCounts, type RedactionCounts } from '../../../redaction/index.ts';
import type { LogBaseline, LogEntryRepo, LogSummaryResult } from '../../../use-cases/log-entries.ts';
import type { Job } from '../../job.ts';
import { type JobWorkResult, PermanentJobError, subjectOf } from '../../run-job.ts';
import { summarizeLog } from './definition.ts';
import type { OpenLogObject } from './upload.ts';

/**
 * The local summarizer (the template miner): text in, summary out. `redactions` are the counts of the
 * redaction the entry went through before storage; `receivedAt` is the upload time (dates written without
 * a year take its year).
 */
export interface SummarizeContext {
  format: string | null;
  redactions: RedactionCounts;
  receivedAt: Date;
  /** The summary of the previous log of the same source, to say what changed. */
  baseline: LogBaseline | null;
}

export type SummarizeText = (text: string, options: SummarizeContext) => LogSummaryResult;

/**
 * The same summarizer over an uploaded object read as a stream (plain or gzip), in bounded memory; the
 * result carries the lines read. Bad content (binary, broken gzip, over 1 GiB) is a ValidationError.
 */
export type SummarizeStream = (
  source: AsyncIterable<Uint8Array>,
  options: SummarizeContext,
) => Promise<LogSummaryResult & { lineCount: number }>;

/** Reading uploaded logs: the object store (S3 or the local data dir) and the streaming summarizer. */
export interface UploadedLogReader {
  open: OpenLogObject;
  summarize: SummarizeStream;
}

/** A model's refinement of the local result; it falls back to `local` itself whenever it cannot do better. */
export type RefineSummary = (
  local: LogSummaryResult,
  context: { text: string; subject: { userId: string | null } },
) => Promise<LogSummaryResult>;

export interface SummarizeJobDeps {
  logEntries: Pick<LogEntryRepo, 'get' | 'saveSummary' | 'baselineFor'>;
  summarize: SummarizeText;
  /** Needed for entries created by createLogUpload; without it their jobs fail with a clear reason. */
  uploads?: UploadedLogReader;
  refine?: RefineSummary;
}

export async function runSummarizeLog(deps: SummarizeJobDeps, job: Job): Promise<JobWorkResult> {
  const entryId = subjectOf(job, summarizeLog.kind);
  const entry = await deps.logEntries.get(entryId);
  if (!entry) throw new PermanentJobError(`log entry ${entryId} no longer exists`);
  const redactions = { ...emptyRedactionCounts(), ...entry.redactions };
  const baseline = await deps.logEntries.baselineFor(entry);
  const context = { format: entry.format, redactions, receivedAt: entry.createdAt, baseline };
  const local = entry.objectKey
    ? await summarizeUpload(deps.uploads, entry.objectKey, context)
    : deps.summarize(entry.raw, context);
  // An uploaded log's text is never held whole: the model works from the digest alone either way.
  const result = deps.refine
    ? await deps.refine(local, { text: entry.raw, subject: { userId: job.ownerId } })
    : local;
  await deps.logEntries.saveSummary(entry.id, { ...result, baselineEntryId: baseline?.entryId ?? null });
  return { model: result.generatedBy === 'local' ? null : result.generatedBy };
}

async function summarizeUpload(
  uploads: UploadedLogReader | undefined,
  key: string,
  context: SummarizeContext,
): Promise<LogSummaryResult> {
  if (!uploads) throw new PermanentJobError('this worker is not configured to read uploaded logs');
  return uploads.summarize(await uploads.open(key), context);
}
