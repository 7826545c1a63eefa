/**
 * `summarizeLog`: the one call the summarizer worker makes. Checks the input limits before any work,
 * runs the streaming analyzer over the text and returns the summary, the templates and the redaction counts.
 */
import { ValidationError } from '../errors.ts';
import type { RedactionCounts } from '../redaction/redact.ts';
import { type AnalyzerOptions, LogAnalyzer } from './analyzer.ts';
import { assertFormat } from './header.ts';
import type { TemplateSnapshot } from './miner.ts';
import { buildSummary, type LogSummary, type SummaryOptions } from './summary.ts';

/** Largest raw log accepted, in UTF-8 bytes (5 MiB). */
export const MAX_RAW_LOG_BYTES = 5 * 1024 * 1024;
/** Templates returned by default (most frequent first); the summary covers all of them. */
export const DEFAULT_TEMPLATE_LIMIT = 500;

export interface SummarizeOptions
  extends AnalyzerOptions,
    Pick<SummaryOptions, 'baseline' | 'priorRedactions'> {
  /** Most templates returned in `templates`. Default 500. */
  templateLimit?: number;
  /** Entries per summary list. Default 10. */
  listLimit?: number;
  /** Byte limit to enforce. Default `MAX_RAW_LOG_BYTES`. */
  maxBytes?: number;
}

export interface SummarizeResult {
  summary: LogSummary;
  /** Most frequent first, at most `templateLimit`; samples and values are redacted. */
  templates: TemplateSnapshot[];
  redactions: { total: number; byKind: RedactionCounts };
}

/** UTF-8 length of a string without allocating an encoded copy. */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * True when text looks like binary data rather than a log: a NUL character, or more than 10% control
 * characters / replacement characters (what undecodable bytes become) in the first 64 KiB.
 */
export function looksBinary(text: string): boolean {
  const n = Math.min(text.length, 65_536);
  if (n === 0) return false;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    // tab, line feed, vertical tab, form feed, carriage return and ESC (colour codes) are normal in logs
    if ((c < 32 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13 && c !== 27) || c === 0xfffd)
      odd++;
  }
  return odd / n > 0.1;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Validates and summarises one raw log. Throws `ValidationError` naming `raw` (or `format`). */
export function summarizeLog(raw: unknown, options: SummarizeOptions = {}): SummarizeResult {
  if (typeof raw !== 'string') throw new ValidationError('raw', 'must be a string');
  const maxBytes = options.maxBytes ?? MAX_RAW_LOG_BYTES;
  // Cheap checks first: characters never outnumber bytes.
  if (raw.length > maxBytes || utf8Length(raw) > maxBytes) {
    throw new ValidationError('raw', `is larger than the limit of ${formatBytes(maxBytes)}`);
  }
  if (raw.trim().length === 0) throw new ValidationError('raw', 'is empty');
  if (looksBinary(raw)) throw new ValidationError('raw', 'looks like binary data, not text');
  if (options.format !== undefined) assertFormat(options.format);
  // Lone surrogates cannot be encoded for storage; make them visible replacement characters.
  const text = raw.replace(LONE_SURROGATE, '\uFFFD');

  const analyzer = new LogAnalyzer(options);
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    // A trailing line break does not start another line.
    if (!(end === text.length && start === end)) analyzer.push(text.slice(start, stop));
    start = end + 1;
  }
  analyzer.end();
  const templates = analyzer.miner.templates();
  const summaryOptions: SummaryOptions = { templates };
  if (options.listLimit !== undefined) summaryOptions.listLimit = options.listLimit;
  if (options.baseline !== undefined) summaryOptions.baseline = options.baseline;
  if (options.priorRedactions !== undefined) summaryOptions.priorRedactions = options.priorRedactions;
  const summary = buildSummary(analyzer, summaryOptions);
  return {
    summary,
    templates: templates.slice(0, Math.max(0, options.templateLimit ?? DEFAULT_TEMPLATE_LIMIT)),
    redactions: summary.redactions,
  };
}

function formatBytes(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
