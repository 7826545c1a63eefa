/**
 * A large log read as a stream (an uploaded object: S3 on AWS, a file under `.local/` locally) and summarized
 * line by line, so memory stays bounded by the analyzer's state, not by the log's size. gzip is recognized by
 * its magic bytes, whatever the file is called. Limits hold on the decompressed bytes (a small gzip can hold
 * a great deal); bad input is a ValidationError naming `file`.
 */
import { ValidationError } from '../../core/errors.ts';
import { decompressed, gzipProblem } from '../../core/logs/decompress.ts';
import {
  createSummaryAnalyzer,
  finishSummary,
  LINE_PART_CHARS,
  looksBinary,
  type SummarizeOptions,
  type SummarizeResult,
} from '../../core/logs/index.ts';
import { BINARY_SAMPLE_CHARS } from '../../core/logs/text-checks.ts';
import { timeLeftMs } from '../../shared/deadline.ts';

/** Largest log accepted through an upload, decompressed (1 GiB). */
export const MAX_UPLOADED_LOG_BYTES = 1024 ** 3;

export interface StreamedSummary extends SummarizeResult {
  /** Decompressed bytes read. */
  bytes: number;
  gzip: boolean;
}

/** Stop this short of the record's deadline (the worker's share of the Lambda's remaining time). */
const DEADLINE_MARGIN_MS = 5000;

/**
 * A read that would outlive the function fails the attempt while there is time to record it; the job is
 * retried (a redelivery usually runs alone in its batch, with the whole timeout).
 */
function assertTimeLeft(bytesRead: number): void {
  const left = timeLeftMs();
  if (left !== undefined && left < DEADLINE_MARGIN_MS) {
    const mib = (bytesRead / 1024 ** 2).toFixed(0);
    throw new Error(`Ran out of the worker's time after reading ${mib} MiB of the log`);
  }
}

class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';
  /** Parts of the current line went out already: its end (even empty) must follow, to end it. */
  private parted = false;
  constructor(
    private readonly emit: (line: string) => void,
    private readonly emitPart: (part: string) => void,
  ) {}

  write(chunk: Uint8Array, final = false): void {
    const text = this.partial + this.decoder.decode(chunk, { stream: !final });
    let start = 0;
    for (let end = text.indexOf('\n', start); end >= 0; end = text.indexOf('\n', start)) {
      const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
      this.emit(line);
      this.parted = false;
      start = end + 1;
    }
    this.partial = text.slice(start);
    // A `\r` kept back: it may be the first half of the line's `\r\n`.
    const keep = this.partial.endsWith('\r') ? 1 : 0;
    if (!final && this.partial.length - keep >= LINE_PART_CHARS) {
      this.emitPart(this.partial.slice(0, this.partial.length - keep));
      this.partial = this.partial.slice(this.partial.length - keep);
      this.parted = true;
    }
    if (final && (this.partial.length > 0 || this.parted)) this.emit(this.partial);
  }
}

/** Summarizes a log read from `source` (plain or gzip), holding only a line and the analyzer in memory. */
export async function summarizeLogStream(
  source: AsyncIterable<Uint8Array>,
  options: SummarizeOptions & { maxBytes?: number } = {},
): Promise<StreamedSummary> {
  const maxBytes = options.maxBytes ?? MAX_UPLOADED_LOG_BYTES;
  const analyzer = createSummaryAnalyzer(options);
  let sample = '';
  let nonBlank = false;
  const check = (text: string, end: string): void => {
    if (sample.length < BINARY_SAMPLE_CHARS) {
      sample += `${text}${end}`;
      if (sample.length >= BINARY_SAMPLE_CHARS && looksBinary(sample)) {
        throw new ValidationError('file', 'looks like binary data, not text');
      }
    }
    if (!nonBlank && text.trim() !== '') nonBlank = true;
  };
  const splitter = new LineSplitter(
    (line) => {
      check(line, '\n');
      analyzer.push(line);
    },
    (part) => {
      check(part, '');
      analyzer.pushPart(part);
    },
  );
  const { bytes, gzip } = await decompressed(source);
  let total = 0;
  try {
    for await (const chunk of bytes) {
      assertTimeLeft(total);
      total += chunk.length;
      if (total > maxBytes) {
        throw new ValidationError('file', `is larger than the limit of ${maxBytes / 1024 ** 2} MiB`);
      }
      splitter.write(chunk);
    }
  } catch (error: unknown) {
    if (error instanceof ValidationError) throw error;
    // A source that failed mid-way (a network error) is retried by the job; bad gzip never gets better.
    throw gzipProblem(error, gzip) ?? error;
  }
  splitter.write(new Uint8Array(0), true);
  if (!nonBlank) throw new ValidationError('file', 'is empty');
  if (looksBinary(sample)) throw new ValidationError('file', 'looks like binary data, not text');
  return { ...finishSummary(analyzer, options), bytes: total, gzip };
}
