/**
 * Header detection: splits each log line into header fields (time, level, component, host) and the message
 * ("content") the miner clusters.
 *
 * Auto mode learns the layout from a sample of the first lines, with no list of known products:
 * - JSON lines and logfmt (`key=value`) are recognised by shape; well-known key names give the roles;
 * - otherwise lines are cut into columns (whitespace, `|` or tab separated; `[...]` kept whole) and each
 *   column is classified (timestamp piece, number, level, `[bracket]`, `component:`, dash, word). The header is
 *   the longest run of leading columns whose kind agrees on most sample lines and that ends on an "anchor"
 *   column (timestamp, number, level, bracket, `component:` or `-`): a consistent plain word can be part of a
 *   header (a host name) but never ends one, because content usually starts with a word.
 * An explicit Loghub format (`<Date> <Time> <Level> <Component>: <Content>`) replaces the detection.
 * Lines that do not fit the layout keep their whole text as content (stack traces, continuation lines).
 */
import { ValidationError } from '../errors.ts';
import { textProblem } from '../text.ts';
import { looksLikeContinuation } from './continuation.ts';
import { type CompiledFormat, compileFormat, matchFormat } from './format.ts';
import type { HttpRequest } from './http.ts';
import {
  type EventKeys,
  eventDescription,
  eventMessage,
  learnEventKeys,
  outcomeLevel,
  recordRequest,
  severer,
} from './json-event.ts';
import {
  bracketLevel,
  channelLevel,
  type LogLevel,
  messageTagSeverity,
  normaliseLevel,
  numericLevel,
  parseLevelLetter,
  parseLevelMark,
  parseLevelWord,
  writtenLevel,
} from './levels.ts';
import { servicePrefixParser } from './service-prefix.ts';
import { timePrefixParser } from './time-prefix.ts';
import { parseTimestamp, TimestampReader, ZoneTally } from './timestamp.ts';

export interface ParsedLine {
  /** The message after the header (the whole line when the line does not fit the layout). */
  content: string;
  /** Milliseconds since the epoch, when the header carries a parseable time. */
  time?: number;
  level?: LogLevel;
  component?: string;
  host?: string;
  /** The request a structured record states field by field (`json-event.ts`), when it does. */
  request?: HttpRequest;
}

export type LayoutKind = 'none' | 'columns' | 'json' | 'logfmt' | 'format' | 'csv' | 'w3c' | 'table';

/** What the detector found, for reports (`summary.header`). */
export interface HeaderInfo {
  kind: LayoutKind;
  /** Human-readable layout, e.g. `<time> <time> <level> [<thread>] <component>: <content>`. */
  description: string;
  /** Share of the sample lines that fit the layout (0..1). */
  coverage: number;
  /**
   * The layout's levels end at warning (Redis's marks: `#` is the highest, and errors are written with it), so
   * a warning's wording says whether it is an error.
   */
  levelsEndAtWarning?: boolean;
  /**
   * Only lines of one kind carry a level (a Lambda export: the function's `time⇥id⇥LEVEL⇥message` among the
   * platform's `time START RequestId: …`), so a line without one may still say in its words that it failed.
   */
  levelsOnSomeLines?: boolean;
  /** A CSV export whose first line is a record, not the columns' names (so no line is the header row). */
  withoutHeaderRow?: boolean;
}

export interface HeaderParser {
  readonly info: HeaderInfo;
  parse(line: string): ParsedLine;
  /** True when the layout's times are times of day without a date (logback's `HH:mm:ss.SSS`). */
  readonly dateless?: boolean;
  /**
   * Adds to `into` how many of the times this parser read wrote their zone and how many did not (`ZoneTally`).
   * Absent: the parser reads no time.
   */
  countZones?(into: ZoneTally): void;
  /**
   * The line as its writer wrote it, without a prefix a collector added (`web-1  | `): what a continuation or a
   * level word is looked for in. Absent: the line itself.
   */
  unwrap?(line: string): string;
  /**
   * Whether this line is a JSON or logfmt record, where a stream mixes layouts (one per service, one of which
   * writes JSON lines): its whole record then holds the HTTP fields and what a sample shows. Absent: every
   * line is what `info.kind` says.
   */
  structuredKind?(line: string): 'json' | 'logfmt' | undefined;
  /**
   * The message as its program wrote it (indentation kept), when a container runtime wrapped each of its lines
   * in a header of its own (CRI's `time stream flag`, Docker's json-file `{"log", "stream", "time"}`): a stack
   * trace's lines are then told by their text, not by the header every line has. Absent, or undefined for a
   * line: the line's header is its program's.
   */
  written?(line: string): string | undefined;
}

export interface HeaderOptions {
  /** Loghub-style format; when set, no detection happens. */
  format?: string;
  /** Year for dates written without one (syslog, Android). */
  defaultYear?: number;
}

type FieldKind =
  | 'dash'
  | 'level'
  | 'letter'
  | 'mark'
  | 'klog'
  | 'ts'
  | 'num'
  | 'ip'
  | 'bracket'
  | 'comp'
  | 'stream'
  | 'flag'
  | 'quote'
  | 'pri'
  | 'word';
type Role = 'time' | 'level' | 'component' | 'host' | 'thread' | 'other';

/** Column kinds that may end a header. */
const ANCHORS = new Set<FieldKind>([
  'dash',
  'level',
  'letter',
  'mark',
  'klog',
  'ts',
  'num',
  'bracket',
  'comp',
  'stream',
  'flag',
  'pri',
]);

/** Column kinds a message's words have too: a header of these alone needs a time to be told from a message. */
const PLAIN_KINDS = new Set<FieldKind>(['word', 'num', 'dash']);

const MAX_HEADER_FIELDS = 12;
/** A syslog priority and protocol version at the start of a line: `<34>1` (RFC 5424), `<13>`. */
const SYSLOG_PRI = /^<\d{1,3}>\d{0,2}$/;
const MAX_BRACKET = 256;
/** Share of sample lines that must agree on a column kind. */
const AGREEMENT = 0.8;

const MONTH_OR_DAY =
  /^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6},?$/i;
/** A month or day name, also behind Cisco IOS's clock marks (`*Mar`, `.Mar`: a clock not synchronised, see timestamp.ts). */
function monthOrDayWord(text: string): boolean {
  if (MONTH_OR_DAY.test(text)) return true;
  const c0 = text.charCodeAt(0);
  return (c0 === 42 || c0 === 46) && MONTH_OR_DAY.test(text.slice(1));
}
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(:\d+)?$/;
/** Epoch seconds from 2001 to 2286 with a fraction: `1714557600.123`. */
const EPOCH_FRACTION = /^[1-9]\d{9}\.\d{1,9}$/;
/** nginx's process and thread, `1234#0:`, where other logs write their component: no name to report. */
const PID_TID = /^\d+#\d+:$/;
/**
 * A time zone written after the time (`2024-05-01 10:00:01.500 UTC`, PostgreSQL's default): part of the
 * time, not the host the first word after a time would otherwise be. The common abbreviations only: a
 * pattern (`[A-Z]{2,4}T`) would take `GET` and `POST`.
 */
const TIME_ZONES = new Set(
  'UTC GMT CET CEST EET EEST WET WEST BST IST MSK PST PDT MST MDT CST CDT EST EDT AKST AKDT HST JST KST AEST AEDT ACST ACDT AWST NZST NZDT SGT HKT'.split(
    ' ',
  ),
);

function isTsLike(s: string): boolean {
  let digits = 0;
  let colons = 0;
  let seps = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 58) colons++;
    else if (c === 45 || c === 47 || c === 46) seps++;
    else if (c === 44 || c === 84 || c === 90 || c === 43) {
      // `,` (milliseconds or trailing), `T`, `Z`, `+zone`
    } else return false;
  }
  // `03-17`, `10.30`: a month and day without a year (Android, Proxifier)
  if (s.length === 5 && digits === 4 && seps === 1 && (s.charCodeAt(2) < 48 || s.charCodeAt(2) > 57))
    return true;
  return digits >= 4 && (colons > 0 || seps >= 2);
}

function classifyField(text: string): FieldKind {
  if (text.length === 0) return 'word';
  if (/^-+$/.test(text)) return 'dash';
  // A quoted field is message text (`"GET / HTTP/1.1"`): a header never runs past one.
  if (text.charCodeAt(0) === 34 || text.charCodeAt(0) === 39) return 'quote';
  if (text.length === 1 && parseLevelLetter(text)) return 'letter';
  if (parseLevelWord(text)) return 'level';
  const c0 = text.charCodeAt(0);
  if (c0 === 60 /* < */ && SYSLOG_PRI.test(text)) return 'pri';
  if (c0 === 91 /* [ */) {
    const closed = text.endsWith(']') || text.endsWith(']:') || text.endsWith('],');
    if (closed) {
      const inner = text.slice(1, text.lastIndexOf(']'));
      if (parseLevelWord(inner)) return 'level';
      return 'bracket';
    }
    return 'word';
  }
  if (/^[IWEF]\d{4}$/.test(text)) return 'klog';
  if (text === 'stdout' || text === 'stderr') return 'stream';
  if (/^[-+]?\d+$/.test(text)) return 'num';
  // Epoch seconds with a fraction (Squid's access log, Zeek): a time, where a decimal number is a word.
  if (EPOCH_FRACTION.test(text)) return 'ts';
  if (monthOrDayWord(text) || TIME_ZONES.has(text)) return 'ts';
  if (IPV4.test(text)) return 'ip';
  if (isTsLike(text)) return 'ts';
  if (text.endsWith(':')) return 'comp';
  if (text.endsWith(']') && text.includes(':')) return 'comp';
  return 'word';
}

interface Field {
  start: number;
  end: number;
  /** Whitespace characters after the field (0 at end of line). */
  gap: number;
}

/** Filled by `nextField` (one object reused for every column of every line). */
const FIELD: Field = { start: 0, end: 0, gap: 0 };

function found(start: number, end: number, gap: number): Field {
  FIELD.start = start;
  FIELD.end = end;
  FIELD.gap = gap;
  return FIELD;
}

/**
 * The `]` that closes the `[` at `open` (nested pairs counted), before `limit`; -1 when there is none.
 * `indexOf` finds the brackets: a bracket column (`[req-… - - -]`) is often long.
 */
function bracketEnd(line: string, open: number, limit: number): number {
  let depth = 1;
  let from = open + 1;
  let nextOpen = line.indexOf('[', from);
  for (;;) {
    const close = line.indexOf(']', from);
    if (close < 0 || close >= limit) return -1;
    if (nextOpen >= 0 && nextOpen < close) {
      depth++;
      from = nextOpen + 1;
      nextOpen = line.indexOf('[', from);
      continue;
    }
    if (--depth === 0) return close;
    from = close + 1;
  }
}

/**
 * The next column from `pos`: whitespace-separated, or up to `delimiter`; `[...]` spans spaces. The result
 * is the shared `FIELD` object, valid until the next call. `tabFree`: the line has no tab (the caller looked
 * once per line), so a column ends at the next space, found with `indexOf`.
 */
function nextField(line: string, pos: number, delimiter: string, tabFree = false): Field | undefined {
  const n = line.length;
  let i = pos;
  if (delimiter === ' ') {
    // Each character read once (lines are slices of a chunk, whose characters cost more to read).
    for (; i < n; i++) {
      const c = line.charCodeAt(i);
      if (c !== 32 && c !== 9) break;
    }
    if (i >= n) return undefined;
    const start = i;
    let end = -1;
    if (line.charCodeAt(i) === 91) {
      const close = bracketEnd(line, i, Math.min(n, i + MAX_BRACKET));
      if (close >= 0) {
        end = close + 1;
        // keep `]:` / `],` glued to the bracket; a bracket glued to the next (`[time][uptime][info][gc]`, the JVM's
        // unified logging) is a column of its own
        if (line.charCodeAt(end) !== 91)
          while (end < n && line.charCodeAt(end) !== 32 && line.charCodeAt(end) !== 9) end++;
      }
    }
    if (end < 0 && tabFree) {
      end = line.indexOf(' ', i + 1);
      if (end < 0) end = n;
    } else if (end < 0) {
      for (end = i + 1; end < n; end++) {
        const c = line.charCodeAt(end);
        if (c === 32 || c === 9) break;
      }
    }
    let g = end;
    for (; g < n; g++) {
      const c = line.charCodeAt(g);
      if (c !== 32 && c !== 9) break;
    }
    return found(start, end, g - end);
  }
  if (i > n) return undefined;
  const at = line.indexOf(delimiter, i);
  if (at < 0) return undefined;
  return found(i, at, 1);
}

interface ColumnSpec {
  kind: FieldKind;
  role: Role;
  /** A `[bracket]` column that ends with the line's level (and process): `[time: LEVEL/Process]`. */
  levelInside?: boolean;
  /** Set once the layout is fixed: the column fits any text and has no role, so parsing skips it. */
  free?: boolean;
  /**
   * The closing `component:` column holds a bare level word on some lines (`ERROR`, not `ERROR:`): those lines
   * are of another kind than the rest, see `mixedLevelColumn`.
   */
  levelOnSomeLines?: boolean;
}

const trimField = (s: string): string => s.trim();

/**
 * A program name with spaces before its `[pid]:` (`Microsoft Word[14463]:`, `Google Chrome Helper[77]:`, as
 * macOS writes them) is one component, not its first word. A first word that has its own pid or detail
 * (`name[pid] (detail):`), or is not a name (`-- root[2421]:`), keeps the first word.
 */
function spacedProgram(line: string, first: string, start: number, end: number): string | undefined {
  if (!/^[A-Za-z][^[(]*$/.test(first)) return undefined;
  const closing = line.slice(line.lastIndexOf(' ', end - 1) + 1, end);
  return /^[^[(]+\[\d+\]:$/.test(closing) ? line.slice(start, end) : undefined;
}

/** Strips `:` and `[pid]` from a component column (`sshd(pam_unix)[19939]:` → `sshd(pam_unix)`). */
function componentName(text: string): string {
  return nameWithoutPid(withoutPid(text));
}

/** `text` without a closing `:`, then without a `[pid]` (digits only) at its end. */
function withoutPid(text: string): string {
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === 58) end--;
  if (end > 0 && text.charCodeAt(end - 1) === 93) {
    let i = end - 2;
    while (i >= 0 && isDigitCode(text.charCodeAt(i))) i--;
    if (i >= 0 && text.charCodeAt(i) === 91) end = i;
  }
  return end === text.length ? text : text.slice(0, end);
}

/** The rest of `componentName`, on a text `withoutPid` gave. */
function nameWithoutPid(text: string): string {
  let s = text;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  else if (s.endsWith(']') && !s.includes('[')) s = s.slice(0, -1);
  return s.length > 128 ? s.slice(0, 128) : s;
}

/** Whether most of the sample's times, read from `cols`, are times of day without a date. */
function datelessTimes(samples: string[][], cols: number[], defaultYear: number): boolean {
  if (cols.length === 0) return false;
  const rows = samples.slice(0, 50);
  let dateless = 0;
  for (const parts of rows)
    if (parseTimestamp(cols.map((c) => parts[c] ?? '').join(' '), defaultYear)?.dateless) dateless++;
  return dateless > rows.length / 2;
}

/** Chooses the header columns to read the time from: the combination that parses best on the sample. */
function learnTimeColumns(samples: string[][], candidates: number[], defaultYear: number): number[] {
  let best: number[] = [];
  let bestScore = 0;
  let bestZoned = 0;
  const cand = new Set(candidates);
  // Every candidate combination is tried against every shape: a few dozen lines decide it.
  const rows = samples.slice(0, 50);
  for (const start of candidates) {
    // Up to four: `04 Dec 2024 10:00:00.000` (Redis) is four columns.
    for (let len = 1; len <= 4; len++) {
      const cols: number[] = [];
      for (let k = 0; k < len; k++) if (cand.has(start + k)) cols.push(start + k);
      if (cols.length !== len) break;
      let score = 0;
      let zoned = 0;
      for (const parts of rows) {
        const t = parseTimestamp(cols.map((c) => parts[c] ?? '').join(' '), defaultYear);
        score += t?.resolution ?? 0;
        if (t?.zoned) zoned++;
      }
      score /= Math.max(1, rows.length);
      // Prefer finer resolution, then a zone written in the next column (PostgreSQL's `… 10:00:01.500 UTC`, which
      // makes the times UTC rather than the writer's clock), then fewer columns.
      if (score > bestScore + 1e-9 || (score > bestScore - 1e-9 && zoned > bestZoned)) {
        bestScore = score;
        bestZoned = zoned;
        best = cols;
      }
    }
  }
  return bestScore >= 0.5 ? best : [];
}

/** Times of one log's lines (timestamp.ts), shared by the parsers below. */
class TimeReader extends TimestampReader {
  /** An epoch number a record gave (counted as a time with its zone: it is UTC). */
  epoch(ms: number): number {
    this.zones.add(true);
    return ms;
  }
}

/**
 * A parsed line with every field present (undefined when absent): one object shape for every line keeps the
 * property loads of the callers (analyzer, miner) monomorphic.
 */
function parsedLine(content: string): ParsedLine {
  return {
    content,
    time: undefined,
    level: undefined,
    component: undefined,
    host: undefined,
    request: undefined,
  };
}

/** A line that does not fit the layout: its whole text is the message. */
const whole = (line: string): ParsedLine => parsedLine(line.trim());

/** The end of the word of `line` that starts at `from` (at a space or tab), and where the next one starts. */
function wordAt(line: string, from: number): { end: number; next: number } {
  let end = from;
  while (end < line.length && line.charCodeAt(end) !== 32 && line.charCodeAt(end) !== 9) end++;
  let next = end;
  while (next < line.length && (line.charCodeAt(next) === 32 || line.charCodeAt(next) === 9)) next++;
  return { end, next };
}

/**
 * A line that opens with a written level (`[ERROR]`, `ERROR`, `error:`) and then a time of one word or two
 * (`2026-12-04T10:00:00.123Z`, `2024-05-01 10:00:00,123`): its level, time and where its message starts.
 * The Python Lambda runtime writes `[ERROR]⇥time⇥request-id⇥message` among the platform's `time START …`.
 */
export function levelThenTime(line: string, defaultYear: number): LevelThenTime | undefined {
  const lead = levelAndTime(line, defaultYear);
  if (!lead) return undefined;
  // A request id right after the time is a field of the header, as in the Node runtime's `time⇥id⇥LEVEL⇥…`,
  // not the message's first word: it opened every template (`<UUID> KeyError: 'customer_id'`) and the
  // first error's quote.
  const at = afterBlanks(line, lead.contentStart);
  if (at >= line.length) return lead;
  const id = wordAt(line, at);
  if (id.next > id.end && id.next < line.length && UUID_TEXT.test(line.slice(at, id.end)))
    lead.contentStart = id.end;
  return lead;
}

/** The first position from `from` that is no space or tab. */
function afterBlanks(line: string, from: number): number {
  let i = from;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  return i;
}

/** A line's level, time (and whether it wrote its zone) and where its message starts (`levelThenTime`). */
export interface LevelThenTime {
  level: LogLevel;
  time: number;
  zoned: boolean;
  contentStart: number;
}

function levelAndTime(line: string, defaultYear: number): LevelThenTime | undefined {
  let start = 0;
  while (start < line.length && (line.charCodeAt(start) === 32 || line.charCodeAt(start) === 9)) start++;
  const first = wordAt(line, start);
  if (first.end - start > 16) return undefined;
  const level = writtenLevel(line.slice(start, first.end));
  if (level === undefined || first.next >= line.length) return undefined;
  const second = wordAt(line, first.next);
  // A time is read from the start of a text and ignores what follows: the word alone is read first, and the
  // next word joins it only when the first said a date or a time of day alone (`2024-05-01 10:00:00,123`).
  const one = parseTimestamp(line.slice(first.next, second.end), defaultYear);
  if (one && one.resolution >= 2) return { level, time: one.ms, zoned: one.zoned, contentStart: second.end };
  const third = second.next < line.length ? wordAt(line, second.next) : undefined;
  const two = one && third ? parseTimestamp(line.slice(first.next, third.end), defaultYear) : undefined;
  if (one && two && third && two.resolution > one.resolution)
    return { level, time: two.ms, zoned: two.zoned, contentStart: third.end };
  return one ? { level, time: one.ms, zoned: one.zoned, contentStart: second.end } : undefined;
}

/** Column layouts: whitespace, `|` or tab separated. */
class ColumnParser implements HeaderParser {
  readonly info: HeaderInfo;
  dateless = false;
  private readonly time: TimeReader;
  /** Zones of the times read from another writer's `LEVEL time message` lines (`unfit`). */
  private readonly otherZones = new ZoneTally();
  private readonly defaultYear: number;
  /**
   * Where the header of a line without a level ends, in a layout whose closing column holds a level on some
   * lines only (the last time column; -1 in other layouts): see `mixedLevelColumn`.
   */
  private readonly unlevelledEnd: number;
  /**
   * Lines that do not fit may open with their level and then their time, another writer's layout in the same
   * log (see `levelFirstShare`): set once the layout is learned.
   */
  levelFirst = false;
  /**
   * The layout has no level nor component column: a line may write its level after `key=value` context
   * (`levelAfterContext`).
   */
  private contextLevels: boolean;
  /** The layout is CRI's alone (`time stream flag`): the runtime's header, around each line a program wrote. */
  private readonly runtimeOnly: boolean;
  constructor(
    private readonly delimiter: string,
    private readonly columns: ColumnSpec[],
    private readonly timeColumns: number[],
    coverage: number,
    defaultYear: number,
  ) {
    this.time = new TimeReader(defaultYear);
    this.defaultYear = defaultYear;
    this.runtimeOnly =
      delimiter === ' ' &&
      columns.length === 3 &&
      columns[0]?.role === 'time' &&
      columns[1]?.kind === 'stream' &&
      columns[2]?.kind === 'flag';
    for (const c of columns) {
      c.free =
        c.role === 'other' &&
        (c.kind === 'word' ||
          c.kind === 'ip' ||
          c.kind === 'stream' ||
          c.kind === 'dash' ||
          c.kind === 'flag');
    }
    const mixed = columns.some((c) => c.levelOnSomeLines);
    this.unlevelledEnd = mixed ? (timeColumns[timeColumns.length - 1] ?? -1) : -1;
    const parts = columns.map((c) => {
      const name = `<${c.levelOnSomeLines ? 'level' : c.role === 'other' ? c.kind : c.role}>`;
      return c.levelInside ? `[${name} <level>/<component>]` : name;
    });
    const sep = delimiter === ' ' ? ' ' : delimiter === '\t' ? '\\t' : delimiter;
    let description = [...parts, '<content>'].join(sep);
    if (this.unlevelledEnd >= 0) {
      const time = parts.slice(0, this.unlevelledEnd + 1).join(sep);
      description += `; lines without a level: ${time}${sep}<content>`;
    }
    this.info = { kind: 'columns', description, coverage };
    if (columns.some((c) => c.kind === 'mark' && c.role === 'level')) this.info.levelsEndAtWarning = true;
    if (this.unlevelledEnd >= 0) this.info.levelsOnSomeLines = true;
    this.contextLevels = !columns.some((c) => c.role === 'level' || c.role === 'component' || c.levelInside);
  }

  parse(line: string): ParsedLine {
    const cols = this.columns;
    const values = this.values;
    const starts = this.starts;
    const ends = this.ends;
    // `values` is reused and never shrunk (resizing an array is a runtime call): `nv` is its length.
    let nv = 0;
    const space = this.delimiter === ' ';
    const tabFree = space && line.indexOf('\t') < 0;
    let pos = 0;
    let contentStart = -1;
    let found: LogLevel | undefined;
    for (let i = 0; i < cols.length; i++) {
      const spec = cols[i] as ColumnSpec;
      const f = nextField(line, pos, this.delimiter, tabFree);
      if (!f) return this.unfit(line);
      const fStart = f.start;
      const fEnd = f.end;
      starts[i] = fStart;
      ends[i] = fEnd;
      const last = i === cols.length - 1;
      if (!last && (spec.free || (spec.role === 'time' && (spec.kind === 'ts' || spec.kind === 'num')))) {
        // A column that accepts anything and feeds no field, or a time column (read below from the line):
        // only its first character is looked at.
        if (!spec.free && !fitsStart(spec.kind, line, fStart, fEnd)) return this.unfit(line);
        values[nv++] = '';
        pos = space ? fEnd : fEnd + 1;
        continue;
      }
      const text = space ? line.slice(fStart, fEnd) : trimField(line.slice(fStart, fEnd));
      if (last && (spec.kind === 'comp' || spec.kind === 'dash') && !fits(spec.kind, text, true)) {
        // `name[pid] (detail):`, `syslogd 1.4.1:`, `app.exe *64 -`: the closing column may come a bit later.
        const closing = this.lateClosing(line, fEnd, spec.kind);
        if (closing >= 0) {
          values[nv++] = (space && spacedProgram(line, text, fStart, closing)) || text;
          pos = closing;
        } else if (spec.kind === 'comp' && found === undefined) {
          // A line of another kind, with its level where the others have their program (a Lambda export's
          // `time  request-id  ERROR  message` among `time  START RequestId: …` lines): the level is read.
          found = writtenLevel(text);
          if (found === undefined) contentStart = fStart;
          else pos = space ? fEnd : fEnd + 1;
        } else contentStart = fStart;
        break;
      }
      if (spec.kind === 'level' || spec.kind === 'mark') {
        // The level is looked up once, for the check and for the level itself.
        const level = spec.kind === 'level' ? parseLevelWord(text) : parseLevelMark(text);
        if (level === undefined) return this.unfit(line);
        if (spec.role === 'level') found = level;
      } else if (last && spec.role === 'thread' && found !== undefined && text.charCodeAt(0) !== 91) {
        // A closing `[thread]` after the level that this line leaves out (PHP-FPM's `[pool www]`, absent from its
        // master process's lines): the message starts where the bracket would be.
        contentStart = fStart;
        break;
      } else if (!fits(spec.kind, text)) return this.unfit(line);
      values[nv++] = text;
      pos = space ? fEnd : fEnd + 1;
    }
    if (contentStart < 0) contentStart = pos;
    let content = line.slice(contentStart).trim();
    // A lone `:` after the header separates it from the message (Spring Boot pads its logger name, then ` : `).
    if (content.charCodeAt(0) === 58 && (content.length === 1 || content.charCodeAt(1) === 32))
      content = content.slice(1).trimStart();
    const out = parsedLine(content);
    out.level = found;
    for (let i = 0; i < nv; i++) {
      const spec = cols[i] as ColumnSpec;
      const v = values[i] as string;
      if (spec.levelInside) {
        const inside = bracketLevel(v);
        if (inside && out.level === undefined) out.level = inside.level;
        if (inside?.name !== undefined) out.component = this.component(inside.name);
      }
      if (spec.role === 'level') {
        if (found === undefined) out.level = this.level(spec.kind === 'klog' ? (v[0] ?? '') : v);
      } else if (spec.role === 'component') {
        // PostgreSQL's `LOG:` and `DETAIL:` stand where its `ERROR:` and `FATAL:` do: a level column read as
        // a component one, since most lines' word there is no level. A level word in it is the line's level.
        const level = out.level === undefined ? parseLevelWord(v) : undefined;
        if (level !== undefined) out.level = level;
        else if (!isDigitCode(v.charCodeAt(0)) || !PID_TID.test(v)) {
          // Cisco's `%LINK-3-UPDOWN:` names the event and carries its severity; Monolog's `channel.LEVEL:` both.
          const channel = out.level === undefined ? channelLevel(v) : undefined;
          if (out.level === undefined) out.level = channel?.level ?? messageTagSeverity(v);
          // Ruby's Logger writes `-- :` when no program name is set: a column that names nothing.
          const name = this.component(channel?.name ?? v);
          if (name.length > 0) out.component = name;
        }
      } else if (spec.role === 'host') out.host = v.length > 128 ? v.slice(0, 128) : v;
    }
    if (out.level === undefined && content.charCodeAt(0) === 37) messageTag(out);
    else if (this.contextLevels && out.level === undefined) levelAfterContext(out);
    if (this.unlevelledEnd >= 0 && out.level === undefined) return this.unlevelled(line, out, nv);
    if (this.timeColumns.length > 0) out.time = this.time.read(this.timeText(line, values, nv));
    return out;
  }

  written(line: string): string | undefined {
    if (!this.runtimeOnly) return undefined;
    // CRI writes one space after each of its three fields.
    let at = -1;
    for (let k = 0; k < 3; k++) {
      at = line.indexOf(' ', at + 1);
      if (at < 0) return undefined;
    }
    return line.slice(at + 1);
  }

  /** A line that does not fit the layout: another writer's `LEVEL time message` when the log has those. */
  private unfit(line: string): ParsedLine {
    if (!this.levelFirst) return whole(line);
    const lead = levelThenTime(line, this.defaultYear);
    if (!lead) return whole(line);
    const p = parsedLine(line.slice(lead.contentStart).trim());
    p.level = lead.level;
    p.time = lead.time;
    this.otherZones.add(lead.zoned);
    return p;
  }

  countZones(into: ZoneTally): void {
    into.addAll(this.time.zones);
    into.addAll(this.otherZones);
  }

  /**
   * Keeps the levels written after `key=value` context only when at least `CONTEXT_LEVEL_SHARE` of the sample
   * lines write one (Elixir, Sidekiq): a log whose odd message opens with `id=3 ERROR` keeps its levels from
   * wording. The lines without one may still say in words that they failed.
   */
  learnContextLevels(sample: readonly string[]): void {
    if (!this.contextLevels) return;
    let levelled = 0;
    for (const line of sample) if (this.parse(line).level !== undefined) levelled++;
    this.contextLevels = levelled >= CONTEXT_LEVEL_SHARE * sample.length && levelled > 1;
    if (!this.contextLevels) return;
    this.info.levelsOnSomeLines = true;
    this.info.description += '; a level after key=value context';
  }

  /** Marks the layout as one with `LEVEL time message` lines besides its own (`levelFirstShare`). */
  withLevelFirst(): void {
    this.levelFirst = true;
    // Only that writer's lines say their level: a line of the layout's own may still say it failed in words
    // (the platform's `Task timed out after 3.00 seconds`), as in `mixedLevelColumn`'s logs.
    this.info.levelsOnSomeLines = true;
    const sep = this.delimiter === '\t' ? '\\t' : ' ';
    this.info.description += `; lines opening with a level: <level>${sep}<time>${sep}<content>`;
  }

  /**
   * A line without a level in a layout where only the lines of one kind have one: the words after its time are
   * its message (`START RequestId: <uuid> Version: $LATEST`, not a host `START` and a component `RequestId`).
   */
  private unlevelled(line: string, out: ParsedLine, nv: number): ParsedLine {
    const end = this.unlevelledEnd;
    const kept = Math.min(nv, end + 1);
    const p = parsedLine(line.slice(this.ends[end], line.length).trim());
    p.time = this.time.read(this.timeText(line, this.values, kept));
    if (p.content.length === 0) p.content = out.content;
    return p;
  }

  /** The time columns' text: one slice of the line when they are next to each other, else joined. */
  private timeText(line: string, values: string[], nv: number): string {
    const tc = this.timeColumns;
    const first = tc[0] as number;
    const lastCol = tc[tc.length - 1] as number;
    if (this.delimiter === ' ' && lastCol - first === tc.length - 1 && lastCol < nv)
      return line.slice(this.starts[first], this.ends[lastCol]);
    let text = (first < nv ? values[first] : '') || line.slice(this.starts[first], this.ends[first]);
    for (let k = 1; k < tc.length; k++) {
      const c = tc[k] as number;
      text += ` ${(c < nv ? values[c] : '') || line.slice(this.starts[c], this.ends[c])}`;
    }
    return text;
  }

  /** The end of the closing column when it comes up to two columns late, or -1. */
  private lateClosing(line: string, from: number, kind: FieldKind): number {
    let p = from;
    for (let k = 0; k < 2; k++) {
      const g = nextField(line, p, this.delimiter);
      if (!g) return -1;
      if (classifyField(line.slice(g.start, g.end)) === kind) return g.end;
      p = g.end;
    }
    return -1;
  }

  /** Where each header column of the current line starts and ends. */
  private readonly starts = new Int32Array(MAX_HEADER_FIELDS + 2);
  private readonly ends = new Int32Array(MAX_HEADER_FIELDS + 2);

  /** Reused per call: the header columns of the current line. */
  private readonly values: string[] = [];
  private readonly levels = new BoundedCache<LogLevel>(256);
  private readonly components = new BoundedCache<string>(4096);

  private lastLevelText = '';
  private lastLevel: LogLevel = 'UNKNOWN';
  private lastComponentText = '';
  private lastComponent = '';

  private level(v: string): LogLevel {
    if (v === this.lastLevelText) return this.lastLevel;
    this.lastLevelText = v;
    this.lastLevel = this.lookupLevel(v);
    return this.lastLevel;
  }

  private lookupLevel(v: string): LogLevel {
    let l = this.levels.get(v);
    if (l === undefined) {
      l = normaliseLevel(v);
      this.levels.set(v, l);
    }
    return l;
  }

  private component(v: string): string {
    if (v === this.lastComponentText) return this.lastComponent;
    this.lastComponentText = v;
    this.lastComponent = this.lookupComponent(v);
    return this.lastComponent;
  }

  private lookupComponent(v: string): string {
    // Keyed without the pid: `sshd(pam_unix)[19939]:` takes a new pid on most lines, which would fill and
    // empty the cache over and over.
    const key = withoutPid(v);
    let c = this.components.get(key);
    if (c === undefined) {
      c = nameWithoutPid(key);
      this.components.set(key, c);
    }
    return c;
  }
}

/**
 * A message that opens with Cisco's tag (`%ASA-4-106023: Deny tcp …`, after an ASA's `host :`): the tag is the
 * line's component and level, as it is where the layout has it as its component column (IOS).
 */
function messageTag(out: ParsedLine): void {
  const space = out.content.indexOf(' ');
  const tag = space < 0 ? out.content : out.content.slice(0, space);
  if (!tag.endsWith(':')) return;
  const level = messageTagSeverity(tag);
  if (level === undefined) return;
  out.level = level;
  out.component = tag.slice(0, -1);
  out.content = space < 0 ? '' : out.content.slice(space + 1).trimStart();
}

/** Share of the sample lines that must write a level after their context for the log to be read so. */
const CONTEXT_LEVEL_SHARE = 0.2;
/** A `key=value` pair of context, unquoted, as loggers write it before their level. */
const CONTEXT_PAIR = /^[A-Za-z_][\w.-]{0,63}=[^\s"']*$/;
const MAX_CONTEXT_PAIRS = 16;

/**
 * A level written after `key=value` context of varying length, which no column can hold: Elixir's Logger
 * (`$time $metadata[$level] $message`: `10:00:03.882 request_id=F5a8 [error] GenServer … terminating`) and
 * Sidekiq (`time pid=7 tid=gw9 class=HardJob jid=… INFO: done`). The level must be written as levels are (in
 * capitals or as a label, `writtenLevel`) right after one pair or more; it is the line's level and leaves the
 * message, the context stays in it (a job's class is what its lines are about).
 */
function levelAfterContext(out: ParsedLine): void {
  const text = out.content;
  const c0 = text.charCodeAt(0);
  // Context starts with a letter or `_`; Elixir writes `[level]` right after the time when it has none.
  if (c0 !== 91 && c0 !== 95 && !((c0 | 32) >= 97 && (c0 | 32) <= 122)) return;
  let pos = 0;
  for (let pairs = 0; pairs <= MAX_CONTEXT_PAIRS && pos < text.length; pairs++) {
    const space = text.indexOf(' ', pos);
    const end = space < 0 ? text.length : space;
    const word = text.slice(pos, end);
    if (!CONTEXT_PAIR.test(word)) {
      const level = pairs > 0 || word.charCodeAt(0) === 91 ? writtenLevel(word) : undefined;
      if (level === undefined) return;
      out.level = level;
      const context = text.slice(0, pos).trimEnd();
      const rest = text.slice(end).trimStart();
      out.content = context.length === 0 ? rest : rest.length === 0 ? context : `${context} ${rest}`;
      return;
    }
    pos = end;
    while (text.charCodeAt(pos) === 32) pos++;
  }
}

/** A map that forgets everything when full: header values repeat, so a small cache hits almost always. */
class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): void {
    if (this.map.size >= this.capacity) this.map.clear();
    this.map.set(key, value);
  }
}

const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Whether a line's column fits the learned column kind; the per-line twin of `classifyField`, cheap
 * because most columns only need their first character looked at.
 */
function fits(kind: FieldKind, text: string, strict = false): boolean {
  const c0 = text.charCodeAt(0);
  // `-` stands for an empty value in any column, except where the column itself must close the header.
  if (c0 === 45 && /^-+$/.test(text)) return !strict || kind === 'dash';
  switch (kind) {
    case 'word':
    case 'ip':
    case 'stream':
    case 'flag':
      return true;
    case 'dash':
      return !strict;
    case 'ts':
    case 'num':
      // Only the shape of the start is checked: it is what tells an entry from a continuation line.
      // A signed number (`-1`) fits a numeric column too.
      return (
        isDigitCode(c0) ||
        ((c0 === 45 || c0 === 43) && isDigitCode(text.charCodeAt(1))) ||
        monthOrDayWord(text) ||
        TIME_ZONES.has(text)
      );
    case 'level':
      return parseLevelWord(text) !== undefined;
    case 'letter':
      return text.length === 1 && parseLevelLetter(text) !== undefined;
    case 'mark':
      return parseLevelMark(text) !== undefined;
    case 'klog':
      return text.length === 5 && /^[IWEF]\d{4}$/.test(text);
    case 'pri':
      return SYSLOG_PRI.test(text);
    case 'bracket':
      return c0 === 91;
    case 'comp': {
      const last = text.charCodeAt(text.length - 1);
      if (last !== 58 && !(last === 93 && text.includes(':'))) return false;
      // not a time (`12:00:`), a bracket or a quote; a level word (`ERROR:`) is the line's level (`parse`);
      // nginx's `pid#tid:` closes its header
      if (isDigitCode(c0)) return PID_TID.test(text);
      return c0 !== 91 && c0 !== 34 && c0 !== 39;
    }
    default:
      return classifyField(text) === kind;
  }
}

/** `fits` for a timestamp or number column, from its first character (as `fits` checks it). */
function fitsStart(kind: FieldKind, line: string, start: number, end: number): boolean {
  const c0 = line.charCodeAt(start);
  if (isDigitCode(c0)) return true;
  if ((c0 === 45 || c0 === 43) && isDigitCode(line.charCodeAt(start + 1))) return true;
  return fits(kind, line.slice(start, end));
}

/** Splits the sample into columns and learns a layout; undefined when no header stands out. */
function learnColumns(
  lines: string[],
  delimiter: string,
  defaultYear: number,
  all: string[] = lines,
): { parser: ColumnParser; score: number } | undefined {
  const n = lines.length;
  if (n === 0) return undefined;
  const kinds: FieldKind[][] = [];
  const gaps: number[][] = [];
  const texts: string[][] = [];
  /** Per line, whether text remains after column i. */
  const rest: boolean[][] = [];
  for (const line of lines) {
    const k: FieldKind[] = [];
    const g: number[] = [];
    const t: string[] = [];
    const r: boolean[] = [];
    let pos = 0;
    for (let i = 0; i < MAX_HEADER_FIELDS + 1; i++) {
      const f = nextField(line, pos, delimiter);
      if (!f) break;
      const text = delimiter === ' ' ? line.slice(f.start, f.end) : trimField(line.slice(f.start, f.end));
      k.push(classifyField(text));
      g.push(f.gap);
      t.push(text);
      pos = delimiter === ' ' ? f.end : f.end + 1;
      r.push(line.slice(pos).trim().length > 0);
    }
    kinds.push(k);
    gaps.push(g);
    texts.push(t);
    rest.push(r);
  }
  const dominant: FieldKind[] = [];
  const share: number[] = [];
  for (let i = 0; i < MAX_HEADER_FIELDS; i++) {
    const counts = new Map<FieldKind, number>();
    let dashes = 0;
    for (const k of kinds) {
      const kind = k[i];
      if (kind === undefined) continue;
      if (kind === 'dash') dashes++;
      else counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    let best: FieldKind = 'dash';
    let bestCount = 0;
    for (const [kind, c] of counts) {
      if (c > bestCount) {
        best = kind;
        bestCount = c;
      }
    }
    // A column of names may hold a level word among them (a state column: `running`, `error`): those
    // agree with the names, or one such value would cut the header short.
    // Likewise a `component:` column, where PostgreSQL writes `LOG:` and `DETAIL:` beside `ERROR:`.
    if (best === 'word' || best === 'comp') bestCount += counts.get('level') ?? 0;
    // A column that is mostly `-` is a separator or an empty value (`- INFO`, BGL's alert flag), unless each
    // other value is a bracket: then `-` is its empty value (RFC 5424's structured data, `-` when there is none).
    const bracketsOnly = best === 'bracket' && counts.size === 1;
    if (dashes >= bestCount && !bracketsOnly) best = 'dash';
    // `stdout F`: the letter after a stream name is a partial/full flag, not a level.
    // Both flags count (`F` is a level letter, `P` a word): a log of long lines has many partial ones.
    if ((best === 'letter' || best === 'word') && dominant[i - 1] === 'stream') {
      best = 'flag';
      bestCount = (counts.get('letter') ?? 0) + (counts.get('word') ?? 0);
    }
    dominant.push(best);
    share.push((bestCount + dashes) / n);
  }
  const oneMessage = oneMessageColumns(dominant, kinds, texts);
  const levelInside = levelBrackets(dominant, texts);
  levelMarks(dominant, share, texts);
  // Agreement alone cannot tell a header from a message when one message dominates the sample, so the
  // scan also follows how headers are written: a `component:` column closes the header, and after the
  // level only a [thread], a component or a `-` separator may follow, within a few columns.
  let end = -1;
  let levelAt = -1;
  /** The last time column right after the level (`levelAt`) in a header written level first, else -1. */
  let levelTimeEnd = -1;
  let separated = false;
  for (let i = 0; i < MAX_HEADER_FIELDS; i++) {
    const kind = dominant[i] as FieldKind;
    if ((share[i] ?? 0) < AGREEMENT || kind === 'quote' || oneMessage[i] === true) break;
    if (levelAt >= 0 && i - Math.max(levelAt, levelTimeEnd) > 4) break;
    // `program - message`: after a `-` that follows a name, times and numbers are message, not header.
    if (separated && (kind === 'num' || kind === 'ts')) break;
    if (kind === 'dash' && i > 0 && (dominant[i - 1] === 'word' || dominant[i - 1] === 'comp'))
      separated = true;
    const isLevel =
      kind === 'level' || kind === 'letter' || kind === 'klog' || kind === 'mark' || levelInside[i] === true;
    if (levelAt < 0 && isLevel) {
      levelAt = i;
      end = i;
    } else if (
      ANCHORS.has(kind) &&
      (levelAt < 0 || kind === 'bracket' || kind === 'comp' || kind === 'dash')
    ) {
      end = i;
    } else if (
      kind === 'ts' &&
      end === i - 1 &&
      (i - 1 === levelAt ||
        dominant[i - 1] === 'ts' ||
        (i - 2 === levelAt && dominant[i - 1] === 'bracket' && levelTimeEnd < 0))
    ) {
      // The time right after the level (`[ERROR]⇥2026-12-04T10:00:00.123Z⇥…`, the Python Lambda runtime's
      // lines alone; `ERROR 2024-05-01 10:00:00,123 …`), or after the level and a thread (Cassandra's
      // `INFO  [main] 2024-05-01 10:00:00,123 File.java:241 - …`): a header written level first. It was message
      // text, and such a log had no times; the columns that may follow a level are counted from that time.
      end = i;
      levelTimeEnd = i;
    }
    if (kind === 'comp') break;
  }
  if (levelAt < 0) end = oneShapeEnd(lines, dominant, end);
  // The message must not be swallowed: back off while most lines would have no content left.
  while (end >= 0) {
    let withContent = 0;
    for (const r of rest) if (r[end]) withContent++;
    if (withContent / n >= 0.9) break;
    end--;
    while (end >= 0 && !ANCHORS.has(dominant[end] as FieldKind)) end--;
  }
  if (end < 0) return undefined;
  // Fixed-width column layouts pad the component column: a word followed by a wide gap belongs to the header.
  const next = end + 1;
  if (next < MAX_HEADER_FIELDS && dominant[next] === 'word' && (share[next] ?? 0) >= 0.9) {
    let wide = 0;
    for (const g of gaps) if ((g[next] ?? 0) >= 2) wide++;
    if (wide / n >= 0.9) end = next;
  }
  // A tab- or `|`-separated layout gives each header field its own column: a word column right after the
  // level (or after the time that follows the level) that is followed by another column on most lines is a
  // field (zap's caller `store/pg.go:42`, a logger name, the Python Lambda runtime's request id), not the
  // message's first word, as a wide gap says in a fixed-width layout.
  if (
    delimiter !== ' ' &&
    end >= 0 &&
    (end === levelAt || end === levelTimeEnd) &&
    next < MAX_HEADER_FIELDS &&
    dominant[next] === 'word' &&
    (share[next] ?? 0) >= 0.9
  ) {
    let more = 0;
    for (const r of rest) if (r[next]) more++;
    if (more / n >= 0.9) end = next;
  }
  const columns: ColumnSpec[] = [];
  for (let i = 0; i <= end; i++) columns.push({ kind: dominant[i] as FieldKind, role: 'other' });
  // A level column of its own is read rather than the level inside a bracket.
  if (
    !columns.some((c) => c.kind === 'level' || c.kind === 'letter' || c.kind === 'klog' || c.kind === 'mark')
  )
    columns.forEach((c, i) => {
      if (levelInside[i]) c.levelInside = true;
    });
  assignRoles(columns);
  const timeCandidates: number[] = [];
  columns.forEach((c, i) => {
    if (c.kind === 'ts' || c.kind === 'num' || c.kind === 'klog' || c.kind === 'bracket')
      timeCandidates.push(i);
  });
  const timeColumns = learnTimeColumns(texts, timeCandidates, defaultYear);
  for (const c of timeColumns) {
    const col = columns[c];
    if (col && col.role === 'other') col.role = 'time';
  }
  // Without a time, a level or any column of a header's own kinds, columns of words and numbers that agree are
  // a message's words: `1,234 requests served, 5 failed, took 300 ms` left `ms` as the message.
  if (timeColumns.length === 0 && columns.every((c) => PLAIN_KINDS.has(c.kind) && c.levelInside !== true))
    return undefined;
  mixedLevelColumn(columns, texts, timeColumns);
  idsNameNoComponent(columns, texts);
  const kindAt = recordKindColumn(columns, texts);
  if (kindAt >= 0) columns.length = kindAt;
  const parser = new ColumnParser(delimiter, columns, timeColumns, 0, defaultYear);
  let fit = 0;
  let headerChars = 0;
  for (const line of lines) {
    const p = parser.parse(line);
    if (p.content.length < line.trim().length) {
      fit++;
      headerChars += line.length - p.content.length;
    }
  }
  if (fit / n < 0.5) return undefined;
  let fitAll = 0;
  for (const line of all) if (parser.parse(line).content.length < line.trim().length) fitAll++;
  const coverage = fitAll / Math.max(1, all.length);
  const withCoverage = new ColumnParser(delimiter, columns, timeColumns, coverage, defaultYear);
  withCoverage.dateless = datelessTimes(texts, timeColumns, defaultYear);
  withCoverage.learnContextLevels(lines);
  if (timeColumns.length > 0 && levelFirstShare(parser, all, defaultYear) > 0) withCoverage.withLevelFirst();
  return { parser: withCoverage, score: coverage * (columns.length + headerChars / Math.max(1, fit) / 100) };
}

/**
 * Share of the sample lines that do not fit the layout and open with a level and then a time (at least two, and
 * any share: a function that writes only its failures this way may have 1% of such lines, the ones that matter): a
 * second writer in the log, as the Python Lambda runtime's `[ERROR]⇥time⇥request-id⇥message` among the
 * platform's `time START RequestId: …`. Those lines' level and time are then read, and their message is what
 * follows the time; before, the whole line was the message (`[ERROR] <*> <*> KeyError: 'customer_id'`) and
 * its time was lost. Only lines that fit no layout are looked at, so a log without such lines reads as before.
 */
function levelFirstShare(parser: ColumnParser, lines: string[], defaultYear: number): number {
  let n = 0;
  for (const line of lines) {
    if (parser.parse(line).content.length < line.trim().length) continue;
    if (levelThenTime(line, defaultYear)) n++;
  }
  return n >= 2 ? n / Math.max(1, lines.length) : 0;
}

/** Share of the sample lines whose closing `component:` column must hold a bare level word for `mixedLevelColumn`. */
const MIXED_SHARE = 0.05;

/**
 * A log of two kinds of lines, told apart by the closing `component:` column: on some lines it holds a bare
 * level word (`ERROR`, where a component is written `name:`), as when a Lambda export mixes the function's
 * `time⇥request-id⇥LEVEL⇥message` with the platform's `time START RequestId: <uuid> Version: $LATEST`. The
 * column is then a level column of the lines of one kind; the others are another writer's, whose words after
 * the time are their message, and the word before the column is a host on neither kind (a request id, `START`).
 * Marks the column (`levelOnSomeLines`) when at least 5% of the sample has a level there and the layout reads
 * times. PostgreSQL's `ERROR:` beside `LOG:` is a component column's level word, not this.
 */
function mixedLevelColumn(columns: ColumnSpec[], texts: string[][], timeColumns: number[]): void {
  const end = columns.length - 1;
  const last = columns[end];
  const lastTime = timeColumns.at(-1);
  if (last?.kind !== 'comp' || lastTime === undefined || lastTime >= end) return;
  let levels = 0;
  for (const t of texts) {
    const text = t[end];
    if (text !== undefined && !text.endsWith(':') && writtenLevel(text) !== undefined) levels++;
  }
  if (levels < 2 || levels < MIXED_SHARE * texts.length) return;
  last.levelOnSomeLines = true;
  for (const c of columns) if (c.role === 'host') c.role = 'other';
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A component column whose values are UUIDs on most sample lines holds request ids, not program names: it is
 * no component (a Lambda runtime's `time⇥request-id⇥LEVEL⇥message` read alone, as the messages of an export,
 * named each request a component).
 */
function idsNameNoComponent(columns: ColumnSpec[], texts: string[][]): void {
  const at = columns.findIndex((c) => c.role === 'component');
  if (at < 0) return;
  let ids = 0;
  for (const t of texts) if (UUID_TEXT.test(t[at] ?? '')) ids++;
  if (ids >= 0.5 * texts.length) (columns[at] as ColumnSpec).role = 'other';
}

/** A record kind: a word in capitals alone (`START`, `REPORT`); a host name is written in lower case. */
const RECORD_KIND = /^[A-Z]{2,16}$/;

/**
 * The host column when it holds record kinds rather than hosts, or -1: a word right after the time that is a
 * word in capitals (`START`, `END`, `REPORT`) on most sample lines, with no level column after it. A Lambda
 * export from CloudWatch whose function prints nothing with a level (only `time START RequestId: <uuid> …`,
 * `time END …`, `time REPORT …` and `time <uuid> Task timed out after 3.00 seconds`) was read as
 * `<time> <host> <component> <content>`: START and REPORT became hosts (pseudonymised in the stored text),
 * `RequestId` the only component, and each timeout's request id a host, out of its template. The header then
 * ends with the time, and the kind and the request id are the message's first words.
 */
function recordKindColumn(columns: ColumnSpec[], texts: string[][]): number {
  const at = columns.findIndex((c) => c.role === 'host');
  if (at < 1 || columns[at]?.kind !== 'word' || columns[at - 1]?.role !== 'time') return -1;
  if (columns.some((c, i) => i > at && c.role === 'level')) return -1;
  let kinds = 0;
  for (const t of texts) if (RECORD_KIND.test(t[at] ?? '')) kinds++;
  return kinds >= 0.5 * texts.length ? at : -1;
}

/**
 * Per column, whether it is a `[bracket]` that ends with a level on most sample lines (`[time: LEVEL/Process]`,
 * Celery's default): a fixed place of the layout, so the level is read there and nowhere else in the bracket.
 */
function levelBrackets(dominant: FieldKind[], texts: string[][]): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < dominant.length; i++) {
    if (dominant[i] !== 'bracket') {
      out.push(false);
      continue;
    }
    let inside = 0;
    for (const t of texts) if (bracketLevel(t[i] ?? '') !== undefined) inside++;
    out.push(inside >= AGREEMENT * texts.length);
  }
  return out;
}

const MARKS = new Set(['.', '-', '*', '#']);

/**
 * A column right after the time that holds one of Redis's level marks (`.` `-` `*` `#`, see `parseLevelMark`)
 * on most sample lines is a level column (`mark`). A column of `-` alone is a separator (`time - message`), so
 * some lines must carry another mark; a mark anywhere else is text.
 */
function levelMarks(dominant: FieldKind[], share: number[], texts: string[][]): void {
  const n = texts.length;
  for (let i = 1; i < dominant.length; i++) {
    if (dominant[i - 1] !== 'ts' || (dominant[i] !== 'word' && dominant[i] !== 'dash')) continue;
    let marks = 0;
    let notDash = 0;
    for (const t of texts) {
      const text = t[i] ?? '';
      if (!MARKS.has(text)) continue;
      marks++;
      if (text !== '-') notDash++;
    }
    if (marks >= AGREEMENT * n && notDash >= MARKED_SHARE * n) {
      dominant[i] = 'mark';
      share[i] = marks / n;
    }
  }
}

/** Share of the sample lines whose mark must be other than `-` for a column of marks to be levels. */
const MARKED_SHARE = 0.2;

function assignRoles(columns: ColumnSpec[]): void {
  // A level word beats a single letter (a `stdout F` flag, a wrapped log line).
  let levelAt = columns.findIndex((c) => c.kind === 'level');
  if (levelAt < 0)
    levelAt = columns.findIndex((c) => c.kind === 'letter' || c.kind === 'klog' || c.kind === 'mark');
  if (levelAt >= 0) (columns[levelAt] as ColumnSpec).role = 'level';
  // A bracket with the level inside stays a time (or thread) column: `parse` reads its level apart.
  else levelAt = columns.findIndex((c) => c.levelInside === true);
  // A syslog priority (`<34>1`, RFC 5424) carries the severity, and is followed by the time, the host and the
  // program (APP-NAME): the level when no column has its own, and the two words after the time are named so.
  const priAt = columns.findIndex((c) => c.kind === 'pri');
  if (priAt >= 0 && levelAt < 0) {
    (columns[priAt] as ColumnSpec).role = 'level';
    levelAt = priAt;
  }
  let compAt = -1;
  for (let i = columns.length - 1; i >= 0; i--) {
    if (columns[i]?.kind === 'comp') {
      compAt = i;
      break;
    }
  }
  const isWord = (i: number): boolean => columns[i]?.kind === 'word';
  const isTime = (i: number): boolean => {
    const k = columns[i]?.kind;
    return k === 'ts' || k === 'num' || k === 'bracket';
  };
  if (compAt < 0 && priAt >= 0) {
    const hostAt = columns.findIndex((c, i) => c.kind === 'word' && i > priAt && isTime(i - 1));
    if (hostAt >= 0 && isWord(hostAt + 1)) compAt = hostAt + 1;
  }
  if (compAt < 0 && levelAt >= 0 && isWord(levelAt + 1)) compAt = levelAt + 1;
  if (compAt < 0 && levelAt > 0 && isWord(levelAt - 1) && !isTime(levelAt - 2)) compAt = levelAt - 1;
  // `time - name - LEVEL - message` (Python's most common format): a `-` may stand between the time and the name.
  const afterTime = (i: number): boolean =>
    i > 0 && (isTime(i - 1) || (columns[i - 1]?.kind === 'dash' && isTime(i - 2)));
  if (compAt < 0) {
    const firstWord = columns.findIndex((c, i) => c.kind === 'word' && afterTime(i));
    if (firstWord >= 0 && !(columns[firstWord + 1]?.kind === 'comp')) compAt = firstWord;
  }
  if (compAt >= 0) (columns[compAt] as ColumnSpec).role = 'component';
  // host: an IP column, or the word between the time and the component (syslog), or a word after the time
  const ipAt = columns.findIndex((c) => c.kind === 'ip');
  let hostAt = ipAt;
  if (hostAt < 0 && compAt > 0 && isWord(compAt - 1) && isTime(compAt - 2)) hostAt = compAt - 1;
  if (hostAt < 0)
    hostAt = columns.findIndex((c, i) => c.kind === 'word' && i !== compAt && i > 0 && isTime(i - 1));
  if (hostAt >= 0 && columns[hostAt]?.role === 'other') (columns[hostAt] as ColumnSpec).role = 'host';
  columns.forEach((c, i) => {
    if (c.kind === 'bracket' && c.role === 'other' && levelAt >= 0 && i > levelAt) c.role = 'thread';
  });
}

// ---------------------------------------------------------------------------------------------------------
// Structured lines: JSON and logfmt

// `@m`, `@mt`, `@l`, `@t`: the Compact Log Event Format (Serilog, Seq), where the message template is the event.
export const MESSAGE_KEYS = ['msg', 'message', 'log', 'text', 'event', '@message', 'body', '@m', '@mt'];
// journald's export (`journalctl -o json`): `PRIORITY` (a syslog severity), `__REALTIME_TIMESTAMP` (µs),
// `SYSLOG_IDENTIFIER`, `_HOSTNAME`, beside its `MESSAGE`.
export const LEVEL_KEYS = [
  'level',
  'lvl',
  'severity',
  'loglevel',
  'log.level',
  'levelname',
  'severity_text',
  '@l',
  'priority',
];
export const TIME_KEYS = [
  'time',
  'timestamp',
  'ts',
  '@timestamp',
  'datetime',
  'date',
  't',
  'asctime',
  '@t',
  '__realtime_timestamp',
];
const COMPONENT_KEYS = [
  'logger',
  'logger_name',
  'component',
  'module',
  'name',
  'source',
  'caller',
  'service',
  'syslog_identifier',
];
const HOST_KEYS = ['host', 'hostname', 'node', 'pod', 'instance', '_hostname'];

export type Scalar = string | number | boolean | null;

function pick(record: Map<string, Scalar>, keys: string[]): { key: string; value: Scalar } | undefined {
  for (const key of keys) {
    const value = record.get(key);
    if (value !== undefined && value !== null && value !== '') return { key, value };
  }
  return undefined;
}

/** Flattens one level of nesting (`{"log": {"level": "info"}}` → `log.level`). */
function flattenJson(value: unknown): Map<string, Scalar> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out = new Map<string, Scalar>();
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v)) {
        if (typeof v2 !== 'object' || v2 === null) out.set(`${k}.${k2}`.toLowerCase(), v2 as Scalar);
      }
    } else if (!Array.isArray(v)) out.set(k.toLowerCase(), v as Scalar);
  }
  return out;
}

export function parseJsonObject(text: string): Map<string, Scalar> | undefined {
  if (text.length < 2 || text.charCodeAt(0) !== 123 || text.charCodeAt(text.length - 1) !== 125)
    return undefined;
  try {
    return flattenJson(JSON.parse(text));
  } catch (_error: unknown) {
    return undefined;
  }
}

const LOGFMT_PAIR = /([A-Za-z_@][\w.@-]*)=("(?:[^"\\]|\\.)*"|\S*)/g;

export function parseLogfmt(text: string): Map<string, Scalar> | undefined {
  if (!/^[A-Za-z_@][\w.@-]*=/.test(text)) return undefined;
  const out = new Map<string, Scalar>();
  LOGFMT_PAIR.lastIndex = 0;
  let pairs = 0;
  for (let m = LOGFMT_PAIR.exec(text); m; m = LOGFMT_PAIR.exec(text)) {
    const raw = m[2] ?? '';
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    out.set((m[1] ?? '').toLowerCase(), value);
    if (++pairs > 200) break;
  }
  return pairs >= 2 ? out : undefined;
}

/**
 * Keys a log's records use for a role under a name none of the lists above has (MongoDB's `t.$date` and `s`,
 * CloudTrail's `eventTime`, Cloud Logging's `jsonPayload.message`), learned from the sample by their values.
 */
interface LearnedKeys {
  time?: string;
  level?: string;
  message?: string;
  /** No message key at all: the keys that name the event and state its request (`json-event.ts`). */
  event?: EventKeys;
}

const STREAMS = new Set(['stdout', 'stderr']);

/** Share of the sample's records that must have a learned key, with a value of its kind. */
const LEARNED_KEY_SHARE = 0.8;

/**
 * The keys for the roles that fewer than half of the sample's records fill under a known name: a time from a
 * key whose text values look written as times (`writtenTime`) and parse as times, a level
 * from one whose values are level words or letters, a message from a key nested one level and named as a
 * message key is (`jsonPayload.message`), each on at least 80% of the records.
 */
function learnKeys(records: readonly Map<string, Scalar>[], defaultYear: number): LearnedKeys {
  const learned: LearnedKeys = {};
  const n = records.length;
  if (n === 0) return learned;
  const lacking = (keys: string[]) => records.filter((r) => pick(r, keys) === undefined).length > n / 2;
  const first = (ok: (key: string, value: Scalar) => boolean, skip?: string): string | undefined => {
    const counts = new Map<string, number>();
    for (const r of records)
      for (const [k, v] of r)
        if (k !== skip && v !== null && v !== '' && ok(k, v)) counts.set(k, (counts.get(k) ?? 0) + 1);
    for (const [k, c] of counts) if (c >= LEARNED_KEY_SHARE * n) return k;
    return undefined;
  };
  if (lacking(MESSAGE_KEYS)) {
    learned.message = first((k) => {
      const dot = k.lastIndexOf('.');
      return dot > 0 && MESSAGE_KEYS.includes(k.slice(dot + 1));
    });
  }
  const message = learned.message;
  if (lacking(TIME_KEYS)) {
    learned.time = first(
      (_k, v) => typeof v === 'string' && writtenTime(v) && parseTimestamp(v, defaultYear) !== undefined,
      message,
    );
  }
  if (lacking(LEVEL_KEYS)) {
    learned.level = first(
      (_k, v) => typeof v === 'string' && v.length <= 16 && normaliseLevel(v) !== 'UNKNOWN',
      message,
    );
  }
  if (lacking(MESSAGE_KEYS) && message === undefined) {
    const taken = [...LEVEL_KEYS, ...TIME_KEYS, ...COMPONENT_KEYS, ...HOST_KEYS, ...MESSAGE_KEYS];
    if (learned.time !== undefined) taken.push(learned.time);
    if (learned.level !== undefined) taken.push(learned.level);
    learned.event = learnEventKeys(records, new Set(taken));
  }
  return learned;
}

/**
 * Whether a text value may be a written time: a date and a time of day have six digits or more, and some
 * separator (a version, `1.08`, parses as a date; digits alone are ids or counts as often as epoch times).
 */
function writtenTime(v: string): boolean {
  let digits = 0;
  for (let i = 0; i < v.length; i++) if (isDigitCode(v.charCodeAt(i))) digits++;
  return digits >= 6 && digits < v.length && v.length <= 40;
}

/** `pick`, then the key learned for the role. */
function pickLearned(
  record: Map<string, Scalar>,
  keys: string[],
  learned: string | undefined,
): { key: string; value: Scalar } | undefined {
  const known = pick(record, keys);
  if (known || learned === undefined) return known;
  const value = record.get(learned);
  return value === undefined || value === null || value === '' ? undefined : { key: learned, value };
}

/**
 * An epoch time in the unit its size says: seconds, milliseconds, microseconds (journald's
 * `__REALTIME_TIMESTAMP`, written as a string of 16 digits) or nanoseconds.
 */
function epochMs(v: number): number {
  if (v > 1e17) return Math.floor(v / 1e6);
  if (v > 1e14) return Math.floor(v / 1e3);
  return v > 1e11 ? v : v * 1000;
}

type Picked = { key: string; value: Scalar } | undefined;

/** A record without a message as its fields other than the header's, `key=value` in order. */
function flattened(record: Map<string, Scalar>, ...header: Picked[]): string {
  const used = new Set(header.map((p) => p?.key));
  const parts: string[] = [];
  for (const [k, v] of record) if (!used.has(k)) parts.push(`${k}=${String(v)}`);
  return parts.join(' ');
}

/** Turns a key/value record into a parsed line: message for content, known keys for the header fields. */
/** `time` undefined: the line's time is read elsewhere (`NestedJsonParser`), the record's is not read. */
function fromRecord(
  record: Map<string, Scalar>,
  time: TimeReader | undefined,
  learned: LearnedKeys = {},
): ParsedLine {
  const message = pickLearned(record, MESSAGE_KEYS, learned.message);
  const level = pickLearned(record, LEVEL_KEYS, learned.level);
  const ts = pickLearned(record, TIME_KEYS, learned.time);
  const component = pick(record, COMPONENT_KEYS);
  const host = pick(record, HOST_KEYS);
  let content: string;
  const event = learned.event;
  const request = event && !message ? recordRequest(record, event) : undefined;
  if (message) content = String(message.value).trim();
  else if (event)
    content = eventMessage(record, event, request) || flattened(record, level, ts, component, host);
  else content = flattened(record, level, ts, component, host);
  const out = parsedLine(content);
  if (request) out.request = request;
  if (level) {
    const v = level.value;
    out.level =
      (typeof v === 'number' || typeof v === 'string' ? numericLevel(v) : undefined) ??
      normaliseLevel(String(v));
  }
  // How the event ended grades it as a level does, the more severe of the two winning.
  if (event && !message) out.level = severer(out.level, outcomeLevel(record, event, request));
  if (component) out.component = String(component.value).slice(0, 128);
  if (host) out.host = String(host.value).slice(0, 128);
  if (ts && time) {
    const v = ts.value;
    if (typeof v === 'number') out.time = time.epoch(epochMs(v));
    else if (typeof v === 'string' && v.length >= 15 && v.length <= 19 && /^\d+$/.test(v))
      out.time = time.epoch(epochMs(Number(v)));
    else {
      const t = time.read(String(v));
      if (t !== undefined) out.time = t;
    }
  }
  return out;
}

class StructuredParser implements HeaderParser {
  readonly info: HeaderInfo;
  private readonly time: TimeReader;
  private readonly fallback: HeaderParser | undefined;
  private readonly learned: LearnedKeys;
  /** Docker's json-file records (`log`, `stream`, `time`): each is one line a program wrote (`written`). */
  private readonly runtimeRecords: boolean;
  private lastLine: string | undefined;
  private lastRecord: Map<string, Scalar> | undefined;
  constructor(
    private readonly kind: 'json' | 'logfmt',
    coverage: number,
    defaultYear: number,
    sample: readonly string[],
    fallback?: HeaderParser,
  ) {
    this.time = new TimeReader(defaultYear);
    this.fallback = fallback;
    const records: Map<string, Scalar>[] = [];
    for (const line of sample) {
      const r = this.record(line.trim());
      if (r) records.push(r);
    }
    this.learned = learnKeys(records, defaultYear);
    this.runtimeRecords =
      kind === 'json' &&
      records.length > 0 &&
      records.filter((r) => typeof r.get('log') === 'string' && STREAMS.has(String(r.get('stream'))))
        .length >=
        LEARNED_KEY_SHARE * records.length;
    const named = (['message', 'level', 'time'] as const)
      .filter((role) => this.learned[role] !== undefined)
      .map((role) => `${role} ${this.learned[role]}`);
    const event = this.learned.event;
    if (event) named.push(eventDescription(event));
    const keys = `msg/level/time keys${named.length > 0 ? `; ${named.join(', ')}` : ''}`;
    this.info = {
      kind,
      description: kind === 'json' ? `JSON lines (${keys})` : `logfmt key=value (${keys})`,
      coverage,
    };
  }
  private record(trimmed: string): Map<string, Scalar> | undefined {
    return this.kind === 'json' ? parseJsonObject(trimmed) : parseLogfmt(trimmed);
  }
  written(line: string): string | undefined {
    if (!this.runtimeRecords) return undefined;
    const record = line === this.lastLine ? this.lastRecord : this.record(line.trim());
    const log = record?.get('log');
    // Docker keeps the line's end in its text.
    return typeof log === 'string' ? log.replace(/\r?\n$/, '') : undefined;
  }
  parse(line: string): ParsedLine {
    const trimmed = line.trim();
    const record = this.record(trimmed);
    if (this.runtimeRecords) {
      this.lastLine = line;
      this.lastRecord = record;
    }
    if (!record) return this.fallback ? this.fallback.parse(line) : parsedLine(trimmed);
    const out = fromRecord(record, this.time, this.learned);
    if (this.kind === 'logfmt') labelledMessage(trimmed, record, out);
    return out;
  }
  countZones(into: ZoneTally): void {
    into.addAll(this.time.zones);
    this.fallback?.countZones?.(into);
  }
}

/** Linux audit's record label: `audit(<epoch seconds>.<milliseconds>:<serial>):`. */
const AUDIT_LABEL = /^audit\((\d{9,11})\.(\d{3}):\d+\):$/;

/**
 * A logfmt `msg` that is no text but a label ending in `:` for the pairs after it, as Linux audit records are
 * written by the kernel and auditd (`type=SYSCALL msg=audit(1714557600.123:42): arch=… comm="bash" …`, and a
 * second, quoted `msg='op=login …'` in user records): the message is the rest of the line after the first
 * `msg=` (it was `audit(<TIME>):` or `'op=login` on every line), the label's epoch is the time, and the record's
 * `type` the component (its `name=` is a file's).
 */
function labelledMessage(line: string, record: Map<string, Scalar>, out: ParsedLine): void {
  const key = line.startsWith('msg=') ? 0 : line.indexOf(' msg=') + 1;
  if (key === 0 && !line.startsWith('msg=')) return;
  const from = key + 4;
  const space = line.indexOf(' ', from);
  if (space < 0 || line.charCodeAt(space - 1) !== 58) return;
  const label = line.slice(from, space);
  const rest = line.slice(space + 1).trim();
  if (rest.length === 0 || label.charCodeAt(0) === 34 || label.charCodeAt(0) === 39) return;
  out.content = rest;
  const audit = AUDIT_LABEL.exec(label);
  if (!audit) return;
  if (out.time === undefined) out.time = Number(audit[1]) * 1000 + Number(audit[2]);
  const type = record.get('type');
  if (typeof type === 'string') out.component = type.slice(0, 128);
}

/** Loghub-format parser. Lines that do not match keep their whole text as content. */
class FormatParser implements HeaderParser {
  readonly info: HeaderInfo;
  private readonly time: TimeReader;
  private readonly timeFields: string[];
  private readonly levelField: string | undefined;
  private readonly componentField: string | undefined;
  private readonly hostField: string | undefined;
  constructor(
    private readonly format: CompiledFormat,
    sample: string[],
    defaultYear: number,
  ) {
    this.time = new TimeReader(defaultYear);
    const byName = (re: RegExp): string | undefined => format.fields.find((f) => re.test(f));
    this.levelField = byName(/^(level|severity|loglevel)$/i);
    this.componentField = byName(/^component$/i) ?? byName(/^(program|logger|source|service|app)$/i);
    this.hostField = byName(/^(node|host|hostname|location)$/i);
    const timeNames = format.fields.filter((f) => /^(date|time|timestamp|datetime|month|day|year)$/i.test(f));
    const rows: string[][] = [];
    let fit = 0;
    for (const line of sample) {
      const m = matchFormat(format, line.trim());
      if (!m) continue;
      fit++;
      rows.push(timeNames.map((f) => m.get(f) ?? ''));
    }
    const cols = learnTimeColumns(
      rows,
      timeNames.map((_, i) => i),
      defaultYear,
    );
    this.timeFields = cols.map((c) => timeNames[c] ?? '');
    this.info = {
      kind: 'format',
      description: format.source,
      coverage: sample.length > 0 ? fit / sample.length : 1,
    };
  }
  parse(line: string): ParsedLine {
    const trimmed = line.trim();
    const m = matchFormat(this.format, trimmed);
    if (!m) return parsedLine(trimmed);
    const out = parsedLine((m.get('Content') ?? '').trim());
    if (this.levelField) {
      const v = m.get(this.levelField);
      if (v) out.level = normaliseLevel(v);
    }
    if (this.componentField) {
      const v = m.get(this.componentField);
      if (v) out.component = componentName(v);
    }
    if (this.hostField) {
      const v = m.get(this.hostField);
      if (v) out.host = v.slice(0, 128);
    }
    if (this.timeFields.length > 0) {
      const t = this.time.read(this.timeFields.map((f) => m.get(f) ?? '').join(' '));
      if (t !== undefined) out.time = t;
    }
    return out;
  }
  countZones(into: ZoneTally): void {
    into.addAll(this.time.zones);
  }
}

const NO_HEADER: HeaderParser = {
  info: { kind: 'none', description: '<content>', coverage: 0 },
  parse: whole,
};

/** Wraps a parser so that messages which are themselves JSON objects (containers) give up their fields. */
class NestedJsonParser implements HeaderParser {
  private readonly time: TimeReader;
  constructor(
    private readonly inner: HeaderParser,
    defaultYear: number,
  ) {
    this.time = new TimeReader(defaultYear);
  }
  get info(): HeaderInfo {
    return this.inner.info;
  }
  get dateless(): boolean {
    return this.inner.dateless === true;
  }
  countZones(into: ZoneTally): void {
    this.inner.countZones?.(into);
    into.addAll(this.time.zones);
  }
  written(line: string): string | undefined {
    return this.inner.written?.(line);
  }
  parse(line: string): ParsedLine {
    const p = this.inner.parse(line);
    if (p.content.charCodeAt(0) !== 123) return p;
    const record = parseJsonObject(p.content);
    if (!record) return p;
    // The line's own time wins over the record's, which is then not read (nor its zone counted).
    const q = fromRecord(record, p.time === undefined ? this.time : undefined);
    if (p.time !== undefined) q.time = p.time;
    q.level ??= p.level;
    q.component ??= p.component;
    q.host ??= p.host;
    return q;
  }
}

/**
 * Python's default logging layout, `LEVEL:logger:message` (`logging.basicConfig()` without a format): no
 * space between the fields, so no column layout can find them.
 */
const LEVEL_NAME = /^([A-Za-z]{3,8}):([^\s:]{1,128}):/;

class LevelNameParser implements HeaderParser {
  readonly info: HeaderInfo;
  constructor(coverage: number) {
    this.info = { kind: 'columns', description: '<level>:<component>:<content>', coverage };
  }
  parse(line: string): ParsedLine {
    const trimmed = line.trim();
    const m = LEVEL_NAME.exec(trimmed);
    const level = m ? parseLevelWord(m[1] as string) : undefined;
    if (!m || level === undefined) return parsedLine(trimmed);
    const out = parsedLine(trimmed.slice(m[0].length).trim());
    out.level = level;
    out.component = m[2];
    return out;
  }
}

function levelNameParser(lines: readonly string[]): HeaderParser | undefined {
  let fit = 0;
  for (const line of lines) {
    const m = LEVEL_NAME.exec(line.trim());
    if (m && parseLevelWord(m[1] as string) !== undefined) fit++;
  }
  return fit >= AGREEMENT * lines.length ? new LevelNameParser(fit / lines.length) : undefined;
}

/** Size of the sample the layout is learned from. */
export const HEADER_SAMPLE_LINES = 200;
/** Characters of those lines (each counted up to 4,096) after which the sample is taken anyway. */
export const SAMPLE_CHAR_BUDGET = 1_000_000;

/**
 * Builds the header parser for a log from its first lines (`sample`, blank lines ignored) or from an explicit
 * Loghub format. Throws `ValidationError('format', …)` for an invalid format.
 */
export function createHeaderParser(sample: readonly string[], options: HeaderOptions = {}): HeaderParser {
  const defaultYear = options.defaultYear ?? 1970;
  const nonBlank = sample.filter((l) => l.trim().length > 0);
  // Continuation lines (stack traces, indented text) carry no header to learn from; a sample made of little
  // else (an event with a long trace) still learns from its few entry lines.
  const heads = nonBlank.filter((l) => !looksLikeContinuation(l));
  const useHeads = heads.length >= 5 || (heads.length > 0 && heads.length < nonBlank.length / 2);
  const lines = (useHeads ? heads : nonBlank).slice(0, HEADER_SAMPLE_LINES);
  if (options.format !== undefined) {
    return new FormatParser(compileFormat(options.format), lines, defaultYear);
  }
  if (lines.length === 0) return NO_HEADER;
  const services = servicePrefixParser(lines, (inner) => createHeaderParser(inner, options));
  if (services) return services;
  const stamped = timePrefixParser(lines, defaultYear, (inner) => createHeaderParser(inner, options));
  if (stamped) return stamped;
  const levelName = levelNameParser(lines);
  if (levelName) return levelName;
  const n = lines.length;
  const json = lines.filter((l) => parseJsonObject(l.trim()) !== undefined).length;
  if (json / n >= 0.5)
    return new StructuredParser('json', json / n, defaultYear, lines, detectColumns(lines, defaultYear));
  const logfmt = lines.filter((l) => {
    const r = parseLogfmt(l.trim());
    return r !== undefined && (pick(r, MESSAGE_KEYS) !== undefined || pick(r, LEVEL_KEYS) !== undefined);
  }).length;
  if (logfmt / n >= 0.5) return new StructuredParser('logfmt', logfmt / n, defaultYear, lines);
  return new NestedJsonParser(detectColumns(lines, defaultYear), defaultYear);
}

function detectColumns(lines: string[], defaultYear: number): HeaderParser {
  let best: { parser: ColumnParser; score: number } | undefined;
  for (const delimiter of [' ', '|', '\t']) {
    if (delimiter !== ' ') {
      const withDelimiter = lines.filter((l) => l.includes(delimiter)).length;
      if (withDelimiter / lines.length < 0.8) continue;
    }
    const candidate = learnColumns(entryLines(lines, delimiter), delimiter, defaultYear, lines);
    if (candidate && (!best || candidate.score > best.score)) best = candidate;
  }
  return best?.parser ?? NO_HEADER;
}

/** Lines of one shape from which a sample without a level cannot tell its header's words from its message's. */
const ONE_SHAPE_LINES = 5;

/**
 * Where the header ends when every line of the sample has one shape (its words the same, tokens with digits
 * aside) and no level: agreement cannot tell a message's words from header columns then (`<time> 1,234
 * requests served, 5 failed, took 300 ms` on every line read `ms` as the message). Unless a column of a
 * header's own kinds (a `component:`, a bracket, …) says where the header is, it is the leading time alone.
 */
function oneShapeEnd(lines: readonly string[], dominant: FieldKind[], end: number): number {
  if (end < 0 || lines.length < ONE_SHAPE_LINES) return end;
  const shape = (line: string): string => line.replace(/[^\s|]*\d[^\s|]*/g, '0');
  const first = shape(lines[0] as string);
  if (!lines.every((line) => shape(line) === first)) return end;
  if (!dominant.slice(0, end + 1).every((kind) => kind === 'ts' || PLAIN_KINDS.has(kind))) return end;
  let time = -1;
  while (time < end && dominant[time + 1] === 'ts') time++;
  return time;
}

/** Lines of other values a column needs before they can say it agrees only through one value. */
const MIN_OTHER_VALUES = 3;

/**
 * Per column, whether it is a word or number column that agrees only because one message fills most of the
 * sample: one value on half the lines or more (`GET` of `GET /healthz 200 3 ms`), while the lines holding
 * other values mostly hold another kind there. A header's word columns hold their kind whatever the value
 * (a host, a component); the words of one message do not, so the header ends before them. Before, a log of
 * health checks with a few other lines read `ms` as the message and the other lines as not fitting.
 */
function oneMessageColumns(dominant: FieldKind[], kinds: FieldKind[][], texts: string[][]): boolean[] {
  return dominant.map((kind, i) => {
    if (kind !== 'word' && kind !== 'num') return false;
    const counts = new Map<string, number>();
    for (const t of texts) {
      const text = t[i];
      if (text !== undefined) counts.set(text, (counts.get(text) ?? 0) + 1);
    }
    let top: string | undefined;
    let topCount = 0;
    for (const [text, c] of counts) if (c > topCount) [top, topCount] = [text, c];
    if (topCount < texts.length / 2) return false;
    let others = 0;
    let agreeing = 0;
    texts.forEach((t, line) => {
      if (t[i] === top) return;
      others++;
      const k = kinds[line]?.[i];
      if (k === kind || (kind === 'word' && k === 'level')) agreeing++;
    });
    return others >= MIN_OTHER_VALUES && agreeing < others * AGREEMENT;
  });
}

/** First-column kinds that start a log entry (as opposed to a message or exception text). */
const ENTRY_START = new Set<FieldKind>([
  'ts',
  'num',
  'bracket',
  'level',
  'letter',
  'klog',
  'dash',
  'ip',
  'pri',
]);

/**
 * The lines to learn the layout from: those whose first column has the most common entry-like kind, when
 * they are at least 30% of the sample. Exception lines (`java.io.IOException: …`) and other text between
 * entries would otherwise dilute the agreement between columns.
 */
function entryLines(lines: string[], delimiter: string): string[] {
  const byKind = new Map<FieldKind, string[]>();
  for (const line of lines) {
    const f = nextField(line, 0, delimiter);
    if (!f) continue;
    const text = delimiter === ' ' ? line.slice(f.start, f.end) : trimField(line.slice(f.start, f.end));
    const kind = classifyField(text);
    if (!ENTRY_START.has(kind)) continue;
    const list = byKind.get(kind);
    if (list) list.push(line);
    else byKind.set(kind, [line]);
  }
  let best: string[] = [];
  for (const list of byKind.values()) if (list.length > best.length) best = list;
  return best.length >= 0.3 * lines.length ? best : lines;
}

export function assertFormat(format: string): void {
  if (format.trim().length === 0) throw new ValidationError('format', 'must not be empty');
  const problem = textProblem(format, 'single-line');
  if (problem) throw new ValidationError('format', problem);
  compileFormat(format);
}
