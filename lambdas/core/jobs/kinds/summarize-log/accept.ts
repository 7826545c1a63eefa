/**
 * Accepting a log: redacted once, line by line, before anything is stored (DESIGN §6); then the entry, its
 * summarize job and the creation record are committed in one transaction, and the job is sent. The input
 * was checked at the edge (the API's route schema): size, emptiness, binary data, the format.
 */
import type { Caller } from '../../../auth/roles.ts';
import { idempotentRequest } from '../../../idempotency.ts';
import { redactHeaderHostsInSlices } from '../../../logs/header-hosts.ts';
import { type NetworkRedaction, type RedactionCounts, Redactor } from '../../../redaction/index.ts';
import { runPausing, runThrough } from '../../../steps.ts';
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
  /**
   * Given by a host whose one thread serves many requests at once (the local server): awaited between slices
   * of the redaction, so that a 5 MB log (150–260 ms of redaction) does not hold every other request for that
   * long. Absent (Lambda: one request per container), the log is redacted in one go, as nothing waits on it.
   */
  pause?: () => Promise<void>;
  /**
   * Given by a host that can redact away from the thread its requests share (the local server: a worker thread
   * of its own). It must give what `redactLog` gives; when present, `pause` is not used.
   */
  redact?: RedactLogElsewhere;
}

/** The deployment's treatment of a log's text: its explicit header format and what becomes of hosts. */
export interface RedactionOptions {
  format: string | null;
  network: NetworkRedaction;
}

/** `redactLog` run somewhere else, answered when done. */
export type RedactLogElsewhere = (raw: string, options: RedactionOptions) => Promise<RedactedLog>;

/** Characters of log redacted between two pauses: under 1 ms of work on a laptop core (docs/architecture.md). */
export const REDACTION_SLICE_CHARS = 16 * 1024;

export interface RedactedLog {
  text: string;
  redactions: RedactionCounts;
  lineCount: number;
}

/**
 * The text as stored and mined: every line through one redactor, then the host fields of the log's header
 * (which only the layout marks as hosts), so the summary finds nothing left to redact and its counts are the
 * entry's. `network`: the deployment's treatment of addresses and host names. It pauses (`yield`) after each
 * slice of lines; the redactor carries its state (pseudonym numbers, an open private key block, counts) from
 * one slice to the next, so where the pauses fall changes nothing in the result.
 */
function* redactLogInSlices(
  raw: string,
  options: RedactionOptions,
  sliceChars: number,
): Generator<void, RedactedLog> {
  const redactor = new Redactor({ network: options.network });
  const lines = raw.split('\n');
  const redacted = new Array<string>(lines.length);
  let chars = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    redacted[i] = redactor.redact(line);
    chars += line.length + 1;
    if (chars >= sliceChars) {
      chars = 0;
      yield;
    }
  }
  const text = (yield* redactHeaderHostsInSlices(redacted, redactor, options.format, sliceChars)).join('\n');
  const lineCount = raw.endsWith('\n') ? lines.length - 1 : lines.length;
  return { text, redactions: { ...redactor.counts }, lineCount };
}

/** The whole log redacted in one go, on the caller's thread (a Lambda, a script). */
export function redactLog(raw: string, options: RedactionOptions): RedactedLog {
  return runThrough(redactLogInSlices(raw, options, Number.POSITIVE_INFINITY));
}

/** The same redaction, awaiting `pause` between slices of `sliceChars` characters. */
export async function redactLogPausing(
  raw: string,
  options: RedactionOptions,
  pause: () => Promise<void>,
  sliceChars = REDACTION_SLICE_CHARS,
): Promise<RedactedLog> {
  return runPausing(redactLogInSlices(raw, options, sliceChars), pause);
}

/** UTF-8 size of the log as submitted. */
const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

export async function submitLog(
  deps: SubmitLogDeps,
  caller: Caller,
  submission: LogSubmission,
): Promise<LogEntryRecord> {
  const options: RedactionOptions = { format: submission.format, network: deps.network ?? 'pseudonymise' };
  const { text, redactions, lineCount } = deps.redact
    ? await deps.redact(submission.raw, options)
    : deps.pause
      ? await redactLogPausing(submission.raw, options, deps.pause)
      : redactLog(submission.raw, options);
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
