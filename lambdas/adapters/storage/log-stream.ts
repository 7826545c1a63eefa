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
  looksBinary,
  type SummarizeOptions,
  type SummarizeResult,
} from '../../core/logs/index.ts';
import { BINARY_SAMPLE_CHARS } from '../../core/logs/text-checks.ts';
import { timeLeftMs } from '../../shared/deadline.ts';

/** Largest log accepted through an upload, decompressed (1 GiB). */
export const MAX_UPLOADED_LOG_BYTES = 1024 ** 3;
/** A line longer than this is cut (the analyzer reads 64 KiB of a line anyway): no line fills memory. */
const MAX_BUFFERED_LINE_CHARS = 1024 * 1024;

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
  private skipping = false;
  constructor(private readonly emit: (line: string) => void) {}

  write(chunk: Uint8Array, final = false): void {
    const text = this.partial + this.decoder.decode(chunk, { stream: !final });
    let start = 0;
    for (let end = text.indexOf('\n', start); end >= 0; end = text.indexOf('\n', start)) {
      const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
      if (!this.skipping) this.emit(line);
      this.skipping = false;
      start = end + 1;
    }
    this.partial = text.slice(start);
    if (this.partial.length > MAX_BUFFERED_LINE_CHARS) {
      if (!this.skipping) this.emit(this.partial.slice(0, MAX_BUFFERED_LINE_CHARS));
      this.skipping = true;
      this.partial = '';
    }
    if (final && this.partial.length > 0 && !this.skipping) this.emit(this.partial);
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
  const splitter = new LineSplitter((line) => {
    if (sample.length < BINARY_SAMPLE_CHARS) {
      sample += `${line}\n`;
      if (sample.length >= BINARY_SAMPLE_CHARS && looksBinary(sample)) {
        throw new ValidationError('file', 'looks like binary data, not text');
      }
    }
    if (!nonBlank && line.trim() !== '') nonBlank = true;
    analyzer.push(line);
  });
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
