/**
 * CSV log exports: what a log tool writes when asked to save its view (Windows Event Viewer, CloudWatch Logs
 * Insights, Splunk, Datadog, Kibana…), a header row naming the columns, then one record per event whose
 * quoted message may hold commas, doubled quotes and line breaks.
 *
 * `detectCsvExport` decides from the analyzer's sample whether the log is such an export, conservatively (a
 * header of column names only, a time-like column, a message column, consistent field counts, times that
 * parse); `CsvRecordReader` then assembles physical lines into records with csv-parse (the parser the ticket
 * CSV reader uses), and `csvParsedLine` maps a record onto the `ParsedLine` every other layout produces, so the
 * summary treats it as every other headed log. A record the parser rejects (an unbalanced quote) is handed back as
 * its raw lines, which the analyzer reads as it reads any log. The separator is the header row's: a comma, a
 * semicolon (what spreadsheets write in locales whose decimal mark is a comma), a tab (TSV) or a `|` (psql's
 * and sqlite3's unaligned tables).
 */
import { Parser } from 'csv-parse';
import { parse as parseCsvLine } from 'csv-parse/sync';
import type { HeaderInfo, ParsedLine } from './header.ts';
import { type LogLevel, normaliseLevel, writtenLevel } from './levels.ts';
import { parseTimestamp, type ZoneTally } from './timestamp.ts';

/** Column names, lower-cased, in order of preference. Names vary by tool; the roles do not. */
const TIME_NAMES = [
  '@timestamp',
  'timestamp',
  'date and time',
  'datetime',
  'date/time',
  'timecreated',
  'timegenerated',
  'time generated',
  'eventtime',
  'event time',
  '_time',
  'time',
  'date',
  'ts',
];
/** A date column and a time column written apart (`Date,Time,…`) are read together. */
const DATE_NAMES = ['date'];
const TIME_OF_DAY_NAMES = ['time'];
const MESSAGE_NAMES = [
  'message',
  '@message',
  'msg',
  'log',
  'content',
  '_raw',
  'log message',
  'text',
  'body',
  'description',
];
const LEVEL_NAMES = [
  'level',
  'severity',
  'loglevel',
  'log level',
  'log_level',
  'levelname',
  'leveldisplayname',
  'entrytype',
  'entry type',
  'severity_text',
  'status',
];
const COMPONENT_NAMES = [
  'source',
  'service',
  'logger',
  'logger_name',
  'component',
  'module',
  'providername',
  'provider',
  'program',
  'application',
  'app',
  '@logstream',
  'task category',
  'event id',
];
const HOST_NAMES = ['host', 'hostname', 'computer', 'machinename', 'machine', 'node', 'pod', 'instance'];

/** A header cell is a name: it starts with a letter, `@` or `_`, and holds no punctuation a value has. */
const NAME = /^[@_\p{L}][\p{L}\p{N} _.@/()-]{0,47}$/u;
/** Share of sample records that must agree on the field count, and of times that must parse. */
const AGREEMENT = 0.9;
const TIMES_PARSED = 0.8;
/** An open record longer than this is taken for a broken quote: its lines are read raw. */
const MAX_RECORD_LINES = 1_000;
const MAX_RECORD_CHARS = 1_000_000;

/** Field separators an export may use, and how the description names them (a comma: not at all). */
const DELIMITERS = [
  { delimiter: ',', name: '' },
  { delimiter: ';', name: 'semicolon-separated, ' },
  { delimiter: '\t', name: 'tab-separated, ' },
  // psql's unaligned output (`\a`, `-A`) and sqlite3's list mode with headers: a header row, no quoting.
  { delimiter: '|', name: 'pipe-separated, ' },
] as const;
export type CsvDelimiter = (typeof DELIMITERS)[number]['delimiter'];

export interface CsvLayout {
  /** The field separator, the header row's. */
  delimiter: CsvDelimiter;
  /** Whether the first non-blank line names the columns; a table without one is read by its values. */
  headerRow: boolean;
  /** Header cells as written (none without a header row). */
  names: string[];
  /** Fields per record: the header's count, or one more when the last, unnamed one is the message. */
  fields: number;
  /** Column indices; -1 when the log has none. Two time columns: a date and a time of day written apart. */
  time: number[];
  level: number;
  component: number;
  host: number;
  message: number;
  /** `d/M/yyyy` rather than `M/d/yyyy` (decided from the sample's days over 12; see `slashDateOrder`). */
  dayFirst: boolean;
  info: HeaderInfo;
}

// ---------------------------------------------------------------------------------------------------------
// Records

type Emit = (lines: string[], record: string[] | undefined) => void;

interface ParsedItem {
  record: string[];
  info: { lines: number };
}

function isParsedItem(value: unknown): value is ParsedItem {
  if (typeof value !== 'object' || value === null) return false;
  const { record, info } = value as { record?: unknown; info?: { lines?: unknown } };
  return Array.isArray(record) && typeof info?.lines === 'number';
}

/**
 * Physical lines in, records out, each with the lines it spans. csv-parse is fed one line at a time; it
 * holds the last characters of each write back (a `\n` might be the start of `\r\n`), so a record comes out
 * on the next write, and `info.lines` (its last line) says which buffered lines it took.
 */
export class CsvRecordReader {
  private parser: Parser;
  private buffered: string[] = [];
  private bufferedChars = 0;
  /** Lines of the current parser that records have taken (csv-parse counts lines from 1 per parser). */
  private taken = 0;

  constructor(private readonly delimiter: CsvDelimiter = ',') {
    this.parser = CsvRecordReader.newParser(delimiter);
  }

  private static newParser(delimiter: CsvDelimiter): Parser {
    const parser = new Parser({
      delimiter,
      record_delimiter: '\n',
      relax_column_count: true,
      // A quote inside an unquoted field is text (`GET /x 200 "curl"`), as spreadsheets read it.
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      bom: true,
    });
    // A parse error also comes as an event on the next tick: `errored` reports it here already.
    parser.on('error', () => undefined);
    return parser;
  }

  /** Adds one physical line; `emit` gets each record completed so far, or lines to read raw. */
  push(line: string, emit: Emit): void {
    this.buffered.push(line);
    this.bufferedChars += line.length;
    this.parser.write(`${line}\n`);
    this.drain(emit);
    const open = this.buffered.length;
    if (this.parser.errored !== null || open > MAX_RECORD_LINES || this.bufferedChars > MAX_RECORD_CHARS) {
      this.giveUp(emit);
    }
  }

  /** Ends the input: the last record, or the lines of a record left open, read raw. */
  end(emit: Emit): void {
    // Ending the parser makes it finish the last record (the characters it held back), synchronously.
    if (this.parser.errored === null) this.parser.end();
    this.drain(emit);
    if (this.buffered.length > 0) this.giveUp(emit);
  }

  private drain(emit: Emit): void {
    for (let item: unknown = this.parser.read(); item !== null; item = this.parser.read()) {
      if (!isParsedItem(item)) continue;
      const count = Math.min(this.buffered.length, item.info.lines - this.taken);
      this.taken = item.info.lines;
      const lines = this.buffered.splice(0, count);
      for (const l of lines) this.bufferedChars -= l.length;
      emit(lines, item.record);
    }
  }

  /** The buffered lines are no record: read them raw, and start again on the next line. */
  private giveUp(emit: Emit): void {
    const lines = this.buffered;
    this.buffered = [];
    this.bufferedChars = 0;
    this.parser.destroy();
    this.parser = CsvRecordReader.newParser(this.delimiter);
    this.taken = 0;
    emit(lines, undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Detection

/**
 * The header cells of a line and their separator when it reads as a row of names only; undefined otherwise.
 * A name holds no separator, so at most one separator can split a line into names: which one is never guessed.
 */
function headerNames(line: string): { names: string[]; delimiter: CsvDelimiter } | undefined {
  if (line.length > 4096 || /^\s/.test(line)) return undefined;
  for (const { delimiter } of DELIMITERS) {
    if (!line.includes(delimiter)) continue;
    const names = namesSplitBy(line, delimiter);
    if (names) return { names, delimiter };
  }
  return undefined;
}

function namesSplitBy(line: string, delimiter: CsvDelimiter): string[] | undefined {
  let rows: string[][];
  try {
    rows = parseCsvLine(line.replace(/^\uFEFF/, ''), { delimiter, relax_column_count: true });
  } catch (_error: unknown) {
    return undefined;
  }
  const cells = rows[0];
  if (rows.length !== 1 || cells === undefined || cells.length < 2) return undefined;
  return cells.every((cell) => NAME.test(cell.trim())) ? cells.map((c) => c.trim()) : undefined;
}

function findColumn(lower: string[], names: readonly string[]): number {
  for (const name of names) {
    const at = lower.indexOf(name);
    if (at >= 0) return at;
  }
  return -1;
}

/**
 * The sample's records, the lines they span, and the lines given up as no record (a broken quote). A record
 * still open where the sample ends is neither: the sample may cut a long message (Event Viewer's security
 * events run to 40 lines), so it is left out rather than counted against the file.
 */
function sampleRecords(
  lines: readonly string[],
  delimiter: CsvDelimiter,
): {
  records: string[][];
  recordLines: number;
  rawLines: number;
} {
  const reader = new CsvRecordReader(delimiter);
  const records: string[][] = [];
  let recordLines = 0;
  let rawLines = 0;
  const emit: Emit = (taken, record) => {
    if (record) {
      records.push(record);
      recordLines += taken.length;
    } else rawLines += taken.length;
  };
  for (const line of lines) reader.push(line, emit);
  // The last record is complete if its quotes are; an open one is the tail left out.
  reader.end((taken, record) => record && emit(taken, record));
  return { records, recordLines, rawLines };
}

/**
 * Whether `M/d` or `d/M`: a first number over 12 says day first, a second one over 12 says month first; with
 * neither, month first (Event Viewer's `en-US` export, the one that writes `3:05:17 PM`), except for dotted
 * dates (`04.12.2026`), which are written day first.
 */
function slashDateOrder(values: readonly string[]): boolean {
  let dotted = false;
  for (const value of values) {
    const m = SLASH_DATE.exec(value.trim());
    if (!m) continue;
    if (Number(m[1]) > 12) return true;
    if (Number(m[2]) > 12) return false;
    dotted ||= m[0].includes('.');
  }
  return dotted;
}

/** The time columns whose values parse best on the sample: one column, or a date and a time of day. */
function chooseTime(
  lower: string[],
  records: string[][],
  year: number,
): { columns: number[]; dayFirst: boolean } {
  const candidates: number[][] = [];
  for (const name of TIME_NAMES) {
    const at = lower.indexOf(name);
    if (at >= 0) candidates.push([at]);
  }
  const date = findColumn(lower, DATE_NAMES);
  const timeOfDay = findColumn(lower, TIME_OF_DAY_NAMES);
  if (date >= 0 && timeOfDay >= 0) candidates.unshift([date, timeOfDay]);
  return bestTime(candidates, records, year);
}

/** Of the candidate time columns (a column, or a date and a time of day), those whose values parse best. */
function bestTime(
  candidates: readonly number[][],
  records: string[][],
  year: number,
): { columns: number[]; dayFirst: boolean } {
  let best: { columns: number[]; dayFirst: boolean; score: number } | undefined;
  for (const columns of candidates) {
    const values = records.map((r) => timeText(r, columns));
    const dayFirst = slashDateOrder(values);
    // A date and a time of day must beat either alone: the pair scores by resolution too.
    const score = values.reduce((sum, v) => sum + (readTime(v, dayFirst, year)?.resolution ?? 0), 0);
    if (best === undefined || score > best.score) best = { columns, dayFirst, score };
  }
  const parsed = best
    ? records.filter((r) => readTime(timeText(r, best.columns), best.dayFirst, year) !== undefined).length
    : 0;
  // Times that do not parse (a time of day alone, a month in another column) are left out, not guessed.
  if (!best || parsed < records.length * TIMES_PARSED) return { columns: [], dayFirst: false };
  return { columns: best.columns, dayFirst: best.dayFirst };
}

/** The level column: the first named one whose values are mostly level words (`status` may hold 200/500). */
function chooseLevel(lower: string[], records: string[][]): number {
  for (const name of LEVEL_NAMES) {
    const at = lower.indexOf(name);
    if (at < 0) continue;
    const levels = records.filter((r) => levelOf(r[at]) !== undefined).length;
    if (levels >= records.length / 2) return at;
  }
  return -1;
}

export interface CsvDetectOptions {
  /** Year for the rare time written without one. */
  year: number;
}

/**
 * The layout of a CSV export, from the sample (the first lines of the log), or undefined when the log is not
 * one. Conservative: the first non-blank line must be a row of names naming a time column and a message
 * column (or be one short of the records, whose unnamed last field is then the message: Event Viewer), at
 * least 90% of the records must have one field count, records must span half the sample's lines at least, and
 * the lines given up as no record at most a fifth of theirs. The time is read when 80% of the sample's times parse (else the log is read without times).
 */
export function detectCsvExport(sample: readonly string[], options: CsvDetectOptions): CsvLayout | undefined {
  const start = sample.findIndex((l) => l.trim().length > 0);
  const header = start < 0 ? undefined : headerNames(sample[start] as string);
  if (!header) return detectHeaderless(sample, options);
  const { names, delimiter } = header;
  const lower = names.map((n) => n.toLowerCase());
  if (!TIME_NAMES.some((n) => lower.includes(n))) return undefined;
  const rest = sample.slice(start + 1);
  const { records, recordLines, rawLines } = sampleRecords(rest, delimiter);
  // Most of the sample in records, few lines given up: an open quote early on leaves the file to be read raw.
  if (records.length === 0 || recordLines < rest.length / 2 || rawLines > recordLines / 4) return undefined;
  let message = findColumn(lower, MESSAGE_NAMES);
  const fields = longerMessages(records, names.length, message) ?? commonCount(records);
  if (fields === undefined) return undefined;
  if (fields === names.length + 1 && message < 0) message = names.length;
  else if (fields !== names.length) return undefined;
  if (message < 0) return undefined;
  const time = chooseTime(lower, records, options.year);
  const layout: Omit<CsvLayout, 'info'> = {
    delimiter,
    headerRow: true,
    names,
    fields,
    time: time.columns,
    level: chooseLevel(lower, records),
    component: findColumn(lower, COMPONENT_NAMES),
    host: findColumn(lower, HOST_NAMES),
    message,
    dayFirst: time.dayFirst,
  };
  const lastMessage = message === fields - 1;
  const agreeing = records.filter((r) => r.length === fields || (lastMessage && r.length > fields)).length;
  return {
    ...layout,
    info: { kind: 'csv', description: describe(layout), coverage: agreeing / records.length },
  };
}

/**
 * The header's field count when the message is its last column and at least 90% of the records have that many
 * fields or more: the longer ones hold the separator in their message, unquoted (psql and sqlite3 quote
 * nothing, so `upstream a|b failed` is two fields), and `messageOf` joins them again. Undefined otherwise.
 */
function longerMessages(records: string[][], named: number, message: number): number | undefined {
  if (message !== named - 1) return undefined;
  const long = records.filter((r) => r.length >= named).length;
  return long >= records.length * AGREEMENT ? named : undefined;
}

/** The field count of at least 90% of the records, or undefined. */
function commonCount(records: string[][]): number | undefined {
  const counts = new Map<number, number>();
  for (const r of records) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  for (const [count, n] of counts) if (n >= records.length * AGREEMENT && count >= 2) return count;
  return undefined;
}

function describe(layout: Omit<CsvLayout, 'info'>): string {
  const unnamed = layout.headerRow ? 'unnamed column' : 'column';
  const name = (at: number): string => layout.names[at] ?? `${unnamed} ${at + 1}`;
  const parts = layout.time.length > 0 ? [`<time> ${layout.time.map(name).join(' + ')}`] : [];
  if (layout.level >= 0) parts.push(`<level> ${name(layout.level)}`);
  if (layout.component >= 0) parts.push(`<component> ${name(layout.component)}`);
  if (layout.host >= 0) parts.push(`<host> ${name(layout.host)}`);
  parts.push(`<content> ${name(layout.message)}`);
  const order = layout.time.length > 0 && layout.dayFirst ? ', dates day first' : '';
  const separated = DELIMITERS.find((d) => d.delimiter === layout.delimiter)?.name ?? '';
  const headerless = layout.headerRow ? '' : ', no header row';
  return `CSV export (${separated}${layout.fields} columns${headerless}${order}): ${parts.join(', ')}`;
}

// ---------------------------------------------------------------------------------------------------------
// Tables without a header row

/**
 * Separators of a table read without a header row. A tab- or `|`-separated log is read by the column layouts
 * (header.ts: HealthApp's `time|component|pid|message`); commas and semicolons are not column separators there,
 * so `2026-12-04T10:00:00Z,ERROR,api,"payment declined, code 4"` was one word and a message.
 */
const HEADERLESS_DELIMITERS: readonly CsvDelimiter[] = [',', ';'];
/** Records a table without names needs before its columns are judged by their values. */
const MIN_HEADERLESS_RECORDS = 5;
/** Share of the records with exactly the table's field count (the rest have more: separators in the message). */
const EXACT_COUNT = 0.5;
/** Words a time may hold: month and day names, `T`/`Z`, AM/PM, a zone. */
const TIME_WORD =
  /^(?:t|z|[ap]m|utc|gmt|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)$/i;
/** A component column's values: one name each (`api`, `nova.compute.manager`, `worker-1`). */
const COMPONENT_VALUE = /^[\p{L}_][\p{L}\p{N}_.:/@-]{0,63}$/u;

/**
 * The layout of a table whose first line is a record, not names: every line splits into the same fields
 * (at least three; the message, when last, may hold more), one column is a time in 80% of the records and
 * nothing but a time, and a comma is no decimal comma of that time (`18:01:47,978 INFO …`: Log4j). Levels,
 * message and component are recognised by their values; a host is not told from a component without names.
 */
function detectHeaderless(sample: readonly string[], options: CsvDetectOptions): CsvLayout | undefined {
  for (const delimiter of HEADERLESS_DELIMITERS) {
    const layout = headerlessLayout(sample, delimiter, options.year);
    if (layout) return layout;
  }
  return undefined;
}

function headerlessLayout(
  sample: readonly string[],
  delimiter: CsvDelimiter,
  year: number,
): CsvLayout | undefined {
  const lines = sample.filter((l) => l.includes(delimiter));
  if (lines.length < MIN_HEADERLESS_RECORDS || lines.length < nonBlankCount(sample) * AGREEMENT)
    return undefined;
  const { records, recordLines, rawLines } = sampleRecords(sample, delimiter);
  if (records.length < MIN_HEADERLESS_RECORDS || rawLines > recordLines / 4) return undefined;
  const fields = leastCount(records);
  if (fields === undefined || fields < 3) return undefined;
  const longer = records.filter((r) => r.length > fields).length;
  if (records.length - longer < records.length * EXACT_COUNT) return undefined;
  const time = wholeTimeColumn(records, fields, year);
  if (time === undefined || (delimiter === ',' && decimalComma(records, time.columns))) return undefined;
  const taken = new Set(time.columns);
  const level = valueColumn(
    fields,
    taken,
    (at) => share(records, (r) => levelOf(r[at]) !== undefined) >= TIMES_PARSED,
  );
  if (level >= 0) taken.add(level);
  const message = longer > 0 ? fields - 1 : longestColumn(records, fields, taken);
  if (message < 0 || taken.has(message)) return undefined;
  taken.add(message);
  const component = valueColumn(fields, taken, (at) => isComponentColumn(records, at));
  const layout: Omit<CsvLayout, 'info'> = {
    delimiter,
    headerRow: false,
    names: [],
    fields,
    time: time.columns,
    level,
    component,
    host: -1,
    message,
    dayFirst: time.dayFirst,
  };
  const agreeing = records.filter(
    (r) => r.length === fields || (message === fields - 1 && r.length > fields),
  );
  return {
    ...layout,
    info: {
      kind: 'csv',
      description: describe(layout),
      coverage: agreeing.length / records.length,
      withoutHeaderRow: true,
    },
  };
}

const nonBlankCount = (lines: readonly string[]): number => lines.filter((l) => l.trim().length > 0).length;

const share = (records: string[][], test: (record: string[]) => boolean): number =>
  records.filter(test).length / records.length;

/** The most fields that at least 90% of the records have (the message may hold the separator, unquoted). */
function leastCount(records: string[][]): number | undefined {
  const lengths = records.map((r) => r.length).sort((a, b) => b - a);
  return lengths[Math.ceil(records.length * AGREEMENT) - 1];
}

/** A time written alone in its field: `2026-12-04T10:00:00Z`, `Dec 4 10:00:00`, not `started at 10:00`. */
function isWholeTime(value: string): boolean {
  const words = value.match(/\p{L}+/gu) ?? [];
  return value.length <= 40 && words.every((w) => TIME_WORD.test(w));
}

/** The time column (or a date and the time of day after it) whose whole values parse in 80% of the records. */
function wholeTimeColumn(
  records: string[][],
  fields: number,
  year: number,
): { columns: number[]; dayFirst: boolean } | undefined {
  const candidates: number[][] = [];
  for (let at = 0; at < fields; at++) {
    if (share(records, (r) => isWholeTime(r[at] ?? '')) < TIMES_PARSED) continue;
    candidates.push([at]);
    // A date and a time of day in two fields (`2026-12-04,10:00:00`): the pair must beat the date alone.
    if (at > 0 && candidates.some((c) => c[0] === at - 1)) candidates.push([at - 1, at]);
  }
  if (candidates.length === 0) return undefined;
  const time = bestTime(candidates, records, year);
  return time.columns.length > 0 ? time : undefined;
}

/** Whether the field after the time starts with the time's fraction and then text: `47,978 INFO [main] …`. */
function decimalComma(records: string[][], time: readonly number[]): boolean {
  const after = (time[time.length - 1] as number) + 1;
  return share(records, (r) => /^\d{1,9}\s/.test(r[after] ?? '')) >= EXACT_COUNT;
}

/** The first column not yet taken that passes `test`, or -1. */
function valueColumn(fields: number, taken: ReadonlySet<number>, test: (at: number) => boolean): number {
  for (let at = 0; at < fields; at++) if (!taken.has(at) && test(at)) return at;
  return -1;
}

/** The column not yet taken with the longest values on average: what a line of a log says. */
function longestColumn(records: string[][], fields: number, taken: ReadonlySet<number>): number {
  let best = -1;
  let bestLength = 0;
  for (let at = 0; at < fields; at++) {
    if (taken.has(at)) continue;
    const length = records.reduce((sum, r) => sum + (r[at]?.trim().length ?? 0), 0);
    if (length > bestLength) [best, bestLength] = [at, length];
  }
  return best;
}

/** A column of names that repeat (a service, a module): at most half as many distinct values as records. */
function isComponentColumn(records: string[][], at: number): boolean {
  const values = records.map((r) => r[at]?.trim() ?? '');
  if (share(records, (r) => COMPONENT_VALUE.test(r[at]?.trim() ?? '')) < AGREEMENT) return false;
  return new Set(values).size <= records.length / 2;
}

// ---------------------------------------------------------------------------------------------------------
// Fields

/** `12/4/2026 3:05:17 PM`, `4.12.2026 15:05:17`: a date with the year last, then a time of day. */
const SLASH_DATE =
  /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,3})\d*)?)?\s*([AaPp][Mm])?)?$/;

function timeText(record: readonly string[], columns: readonly number[]): string {
  if (columns.length === 0) return '';
  if (columns.length === 1) return record[columns[0] as number] ?? '';
  return columns.map((c) => record[c] ?? '').join(' ');
}

/** A time as written in a column: a year-last date (order decided per log), else any shape the logs use. */
function readTime(
  value: string,
  dayFirst: boolean,
  year: number,
): { ms: number; resolution: number; zoned: boolean } | undefined {
  const text = value.trim();
  if (text.length === 0) return undefined;
  const m = SLASH_DATE.exec(text);
  if (!m) {
    const parsed = parseTimestamp(text, year);
    // A time of day alone would be put on 1 January: no time is better than a wrong one.
    return parsed?.dateless ? undefined : parsed;
  }
  const [first, second] = [Number(m[1]), Number(m[2])];
  const month = dayFirst ? second : first;
  const day = dayFirst ? first : second;
  let hour = Number(m[4] ?? 0);
  const half = m[8]?.toUpperCase();
  if (half !== undefined && (hour < 1 || hour > 12)) return undefined;
  if (half === 'AM' && hour === 12) hour = 0;
  else if (half === 'PM' && hour < 12) hour += 12;
  const ms = Date.UTC(
    Number(m[3]),
    month - 1,
    day,
    hour,
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    Number((m[7] ?? '0').padEnd(3, '0')),
  );
  const date = new Date(ms);
  // An impossible date (31/2) rolls over in Date.UTC: refuse it instead.
  if (month > 12 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23)
    return undefined;
  // A year-last date (Event Viewer's `5/1/2024 10:00:00 AM`) writes no zone: the exporting machine's clock.
  return { ms, resolution: m[4] === undefined ? 1 : m[7] === undefined ? 2 : 3, zoned: false };
}

function levelOf(value: string | undefined): LogLevel | undefined {
  if (value === undefined || value.trim().length === 0) return undefined;
  const level = normaliseLevel(value.trim());
  return level === 'UNKNOWN' ? undefined : level;
}

const nonBlank = (value: string | undefined): string | undefined => {
  const v = value?.trim();
  return v === undefined || v.length === 0 ? undefined : v;
};

/**
 * The message field. When it is the last field, a record with more fields than the layout has its separator
 * inside the message, unquoted (psql and sqlite3 quote nothing: `upstream a|b failed`): the fields after it
 * are the rest of its text, not lost.
 */
/**
 * The line a database client prints under a table: psql's `(30 rows)` / `(1 row)`, sqlcmd's `(3 rows
 * affected)`. A record of one field, so it is no row of a table with a message column.
 */
export function isRowCountFooter(record: readonly string[]): boolean {
  return record.length === 1 && /^\(\d[\d,]* rows?(?: affected)?\)$/.test((record[0] ?? '').trim());
}

function messageOf(record: readonly string[], layout: CsvLayout): string {
  const message = record[layout.message] ?? '';
  if (layout.message !== layout.fields - 1 || record.length <= layout.fields) return message;
  return record.slice(layout.message).join(layout.delimiter);
}

/**
 * One record as a parsed line: the message's first non-blank line is the content the miner sees, and its other
 * lines come back as `rest`, which the analyzer treats as continuation lines (as a stack trace's).
 */
export function csvParsedLine(
  record: readonly string[],
  layout: CsvLayout,
  year: number,
  zones?: ZoneTally,
): { parsed: ParsedLine; rest: string[] } {
  const lines = messageOf(record, layout).split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim().length > 0);
  const time = readTime(timeText(record, layout.time), layout.dayFirst, year);
  if (time !== undefined) zones?.add(time.zoned);
  const parsed: ParsedLine = {
    content: first < 0 ? '' : (lines[first] as string).trim(),
    time: time?.ms,
    level: layout.level < 0 ? undefined : levelOf(record[layout.level]),
    component: layout.component < 0 ? undefined : nonBlank(record[layout.component]),
    host: layout.host < 0 ? undefined : nonBlank(record[layout.host]),
  };
  if (layout.level < 0 && parsed.component !== undefined) {
    // A level column whose most frequent value is no level word (PostgreSQL's csvlog: `LOG` beside `ERROR`,
    // `FATAL`, `WARNING`) is taken for a component column: a level word written in it is the record's level,
    // as in a column layout's `component:` column.
    const level = writtenLevel(parsed.component);
    if (level !== undefined) {
      parsed.level = level;
      parsed.component = undefined;
    }
  }
  return { parsed, rest: first < 0 ? [] : lines.slice(first + 1) };
}
