/**
 * Accepting a log: redacted once, line by line, before anything is stored (DESIGN §6); then the entry, its
 * summarize job and the creation record are committed in one transaction, and the job is sent. The input
 * was checked at the edge (the API's route schema): size, emptiness, binary data, the format.
 */
import type { Caller } from '../../../auth/roles.ts';
import { idempotentRequest } from '../../../idempotency.ts';
import { redactHeaderHosts } from '../../../logs/header-hosts.ts';
import { type NetworkRedaction, type RedactionCounts, Redactor } from '../../../redaction/index.ts';
import type { LogEntryRecord, LogEntryRepo } from '../../../use-cases/log-entries.ts';
import { type DispatchDeps, dispatchJob } from '../../dispatch.ts';
import { summarizeLog } from './definition.ts';

export interface LogSubmission {
  raw: string;
  format: string | null;
  /** The service or file the log came from, normalised (`normalisedSource`); null when none. */
  source: string | null;
  idempotencyKey: string | null;
  traceId: string | null;
}

/** The subject's repository, what dispatching its job needs, and the deployment's redaction setting. */
export interface SubmitLogDeps extends DispatchDeps {
  logEntries: Pick<LogEntryRepo, 'create'>;
  /** IP addresses and host names: pseudonymised (default), kept or removed. */
  network?: NetworkRedaction;
}

/**
 * The text as stored and mined: every line through one redactor, then the host fields of the log's header
 * (which only the layout marks as hosts), so the summary finds nothing left to redact and its counts are the
 * entry's. `network`: the deployment's treatment of addresses and host names.
 */
export function redactLog(
  raw: string,
  options: { format: string | null; network: NetworkRedaction },
): { text: string; redactions: RedactionCounts; lineCount: number } {
  const redactor = new Redactor({ network: options.network });
  const lines = raw.split('\n');
  const text = redactHeaderHosts(
    lines.map((line) => redactor.redact(line)),
    redactor,
    options.format,
  ).join('\n');
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
  const { text, redactions, lineCount } = redactLog(submission.raw, {
    format: submission.format,
    network: deps.network ?? 'pseudonymise',
  });
  const { entry, created } = await deps.logEntries.create(
    {
      ownerId: caller.userId,
      raw: text,
      format: submission.format,
      source: submission.source,
      sizeBytes: utf8Bytes(submission.raw),
      lineCount,
      redactions,
    },
    { kind: summarizeLog.kind, traceId: submission.traceId },
    idempotentRequest(submission.idempotencyKey, () => ({
      raw: text,
      format: submission.format,
      source: submission.source,
    })),
  );
  if (!created) return entry;
  return {
    ...entry,
    job: await dispatchJob(deps, entry.job),
  };
}
