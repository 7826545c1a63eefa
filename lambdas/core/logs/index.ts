/** Log mining and summaries (DESIGN §6 "Logs"): the public surface used by the worker and the CLI. */
export { type AnalyzerOptions, LINE_PART_CHARS, LogAnalyzer } from './analyzer.ts';
export {
  type Census,
  type Changes,
  compareCensus,
  type LimitedChanges,
  limitChanges,
  type TemplateChange,
} from './baseline.ts';
export { compileFormat } from './format.ts';
export {
  assertFormat,
  createHeaderParser,
  HEADER_SAMPLE_LINES,
  type HeaderInfo,
  type HeaderOptions,
  type HeaderParser,
  type ParsedLine,
} from './header.ts';
export { buildHeadline } from './headline.ts';
export { endpointOf, type HttpRequest, type HttpSummary, parseHttp } from './http.ts';
export type { Incident, IncidentTemplate, Timeline } from './incidents.ts';
export { inferLevel, LOG_LEVELS, type LogLevel, normaliseLevel } from './levels.ts';
export {
  formatId,
  type LineMeta,
  type MinerOptions,
  TemplateMiner,
  type TemplateParameter,
  type TemplateSnapshot,
} from './miner.ts';
export {
  createSummaryAnalyzer,
  DEFAULT_TEMPLATE_LIMIT,
  finishSummary,
  looksBinary,
  MAX_RAW_LOG_BYTES,
  rawLogProblem,
  type SummarizeOptions,
  type SummarizeResult,
  summarizeLog,
  summarizeText,
  utf8Length,
} from './summarize-log.ts';
export { buildSummary, type LogSummary, renderSummaryText, type TemplateBrief } from './summary.ts';
export { parseTimestamp } from './timestamp.ts';
export { tokenize, type VariableType, WILDCARD } from './tokenize.ts';
