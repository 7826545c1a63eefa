/**
 * `summarizeLog`: checks the input limits before any work (`rawLogProblem`, also what the API's edge applies),
 * runs the streaming analyzer over the text and returns the summary, the templates and the redaction counts.
 * `summarizeText` is the same without the checks, for text accepted at the edge (a stored entry, whose
 * redactions before storage come in as `priorRedactions`).
 */
import { ValidationError } from '../errors.ts';
import type { RedactionCounts } from '../redaction/redact.ts';
import { type AnalyzerOptions, LogAnalyzer } from './analyzer.ts';
import type { TemplateSnapshot } from './miner.ts';
import { LogStats } from './stats.ts';
import { buildSummary, type LogSummary, type SummaryOptions } from './summary.ts';
import { looksBinary, utf8Length } from './text-checks.ts';

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

export { looksBinary, utf8Length };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** What is wrong with a raw log (too large, empty, binary), or null: each rule with its one message. */
export function rawLogProblem(raw: string, maxBytes: number = MAX_RAW_LOG_BYTES): string | null {
  // Cheap checks first: characters never outnumber bytes.
  if (raw.length > maxBytes || utf8Length(raw) > maxBytes) {
    return `is larger than the limit of ${formatBytes(maxBytes)}`;
  }
  if (raw.trim().length === 0) return 'is empty';
  if (looksBinary(raw)) return 'looks like binary data, not text';
  return null;
}

/** Validates and summarises one raw log. Throws `ValidationError` naming `raw` (or `format`). */
export function summarizeLog(raw: unknown, options: SummarizeOptions = {}): SummarizeResult {
  if (typeof raw !== 'string') throw new ValidationError('raw', 'must be a string');
  const problem = rawLogProblem(raw, options.maxBytes);
  if (problem !== null) throw new ValidationError('raw', problem);
  return summarizeText(raw, options);
}

/** Summarises text that passed `rawLogProblem` already; a bad `format` still throws, naming `format`. */
export function summarizeText(raw: string, options: SummarizeOptions = {}): SummarizeResult {
  // Lone surrogates cannot be encoded for storage; make them visible replacement characters.
  const text = raw.replace(LONE_SURROGATE, '\uFFFD');

  const analyzer = createSummaryAnalyzer(options);
  analyzer.reservePseudonyms(text);
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    // A trailing line break does not start another line.
    if (!(end === text.length && start === end)) analyzer.push(text.slice(start, stop));
    start = end + 1;
  }
  return finishSummary(analyzer, options);
}

/** A summary analyzer for `summarizeText` or a streamed log: push the lines, then `finishSummary`. */
export function createSummaryAnalyzer(options: SummarizeOptions = {}): LogAnalyzer {
  return new LogAnalyzer({ ...options, stats: new LogStats() });
}

/** Ends the analyzer and builds the summary, the templates and the redaction counts. */
export function finishSummary(analyzer: LogAnalyzer, options: SummarizeOptions = {}): SummarizeResult {
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
