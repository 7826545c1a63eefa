/**
 * Accepting a log: redacted once, line by line, before anything is stored (DESIGN §6); then the entry, its
 * summarize job and the creation record are committed in one transaction, and the job is sent. The input
 * was checked at the edge (the API's route schema): size, emptiness, binary data, the format.
 */
import type { Caller } from '../../../auth/roles.ts';
import { type RedactionCounts, Redactor } from '../../../redaction/index.ts';
import type { LogEntryRecord, LogEntryRepo } from '../../../use-cases/log-entries.ts';
import { type DispatchDeps, dispatchJob } from '../../dispatch.ts';
import { summarizeLog } from './definition.ts';

export interface LogSubmission {
  raw: string;
  format: string | null;
  idempotencyKey: string | null;
  traceId: string | null;
}

/** The subject's repository, and what dispatching its job needs. */
export interface SubmitLogDeps extends DispatchDeps {
  logEntries: Pick<LogEntryRepo, 'create'>;
}

/** The text as stored and mined: every line through one redactor, whose counts the entry and summary keep. */
export function redactLog(raw: string): { text: string; redactions: RedactionCounts; lineCount: number } {
  const redactor = new Redactor();
  const lines = raw.split('\n');
  const text = lines.map((line) => redactor.redact(line)).join('\n');
  const lineCount = raw.endsWith('\n') ? lines.length - 1 : lines.length;
  return { text, redactions: { ...redactor.counts }, lineCount };
}

/** UTF-8 size of the log as submitted. */
const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

export async function submitLog(
  deps: SubmitLogDeps,
  caller: Caller,
  submission: LogSubmission,
): Promise<LogEntryRecord> {
  const { text, redactions, lineCount } = redactLog(submission.raw);
  const { entry, created } = await deps.logEntries.create(
    {
      ownerId: caller.userId,
      raw: text,
      format: submission.format,
      sizeBytes: utf8Bytes(submission.raw),
      lineCount,
      redactions,
    },
    { kind: summarizeLog.kind, traceId: submission.traceId },
    submission.idempotencyKey,
  );
  if (!created) return entry;
  return {
    ...entry,
    job: await dispatchJob(deps, entry.job),
  };
}
