/**
 * Fixed-width tables with a header row: what command-line tools print and people paste as a log —
 * `kubectl get events` (`LAST SEEN   TYPE      REASON    OBJECT        MESSAGE`), `kubectl get pods`,
 * `docker ps`. The header row names the columns in capitals, separated by runs of two spaces or more (a
 * name may hold single spaces: `LAST SEEN`), and each record's fields start where the names start; the last
 * column takes the rest of the line (a message holds spaces).
 *
 * As for a CSV export (`csv-export.ts`) and a W3C log (`w3c.ts`), the roles come from the names and values,
 * never from a column order, and each record becomes the `ParsedLine` every layout produces. Read as plain
 * lines, `kubectl get events` had no level (`Warning` only by wording) and its header row was a template.
 */
import type { HeaderInfo, ParsedLine } from './header.ts';
import { type LogLevel, parseLevelWord } from './levels.ts';
import { TimestampReader, type ZoneTally } from './timestamp.ts';

/** A column name: words in capitals (`LAST SEEN`, `CONTAINER ID`, `%CPU`), single spaces between them. */
const NAME = /^[A-Z%#][A-Z0-9_%#./()-]*(?: [A-Z%#][A-Z0-9_%#./()-]*)*$/;
/** Fewer columns is no table worth the name (and too easily matched by a line of capitals). */
const MIN_COLUMNS = 3;
/** Share of the sample's records that must follow the header's offsets, and hold a column's values. */
const AGREEMENT = 0.8;
/** Kubernetes' event types: a `TYPE` column of these is the level (`Warning` is a warning, not an error). */
const EVENT_TYPES: ReadonlyMap<string, LogLevel> = new Map([
  ['Normal', 'INFO'],
  ['Warning', 'WARN'],
]);
const isEventType = (value: string | undefined): boolean => value !== undefined && EVENT_TYPES.has(value);
/**
 * The column that names who wrote the event, in order of preference: kubectl's `SOURCE` (`kubelet`,
 * `default-scheduler`) and a namespace are few and repeat, as a component does. `REASON` (`BackOff`) and
 * `OBJECT` (`pod/api-7d9f-x2`) stay in the message: the reason is the event's kind, which the miner keeps
 * as a constant of the template, and an object's name is a variable (one per pod), which it masks.
 */
const COMPONENT_NAMES = ['SOURCE', 'COMPONENT', 'NAMESPACE'];
/**
 * Columns of times or ages (`LAST SEEN: 5m`, `AGE: 2d3h`, `CREATED: 2 hours ago`): a time only when 80% of the
 * values are whole times with a year; otherwise ages, which are relative to a moment the paste does not keep,
 * so they give no time (no time is better than a wrong one) and are left out of the message (a variable).
 */
const TIME_NAME = /(?:^|[ _])(?:TIME|TIMESTAMP|DATE|SEEN|AGE|CREATED|STARTED|SINCE)(?:$|[ _])/;
/** A value with a year: `2026-12-07T10:00:00Z`, `07/12/2026 10:00`; never `5m`, `0:01`, `10:00`. */
const WITH_YEAR = /(?:^|\D)(?:19|20)\d\d(?:\D|$)/;

export interface TableLayout {
  /** Column names as the header row writes them, and where each starts. */
  names: string[];
  starts: number[];
  /** The header row itself: a later line reading the same is no event either (a second `kubectl get`). */
  headerRow: string;
  /** Column indices, -1 when absent. */
  time: number;
  level: number;
  /** Whether the level column holds Kubernetes' `Normal`/`Warning`, else level words. */
  eventTypes: boolean;
  component: number;
  /** Columns the message is made of, in order: all but time, ages, level and component. */
  message: number[];
  info: HeaderInfo;
}

/** The names of a header row and where they start, or undefined when the line is no header row. */
export function tableHeader(line: string): { names: string[]; starts: number[] } | undefined {
  const names: string[] = [];
  const starts: number[] = [];
  const re = /\S+(?: \S+)*/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    if (!NAME.test(m[0])) return undefined;
    names.push(m[0]);
    starts.push(m.index);
  }
  return names.length >= MIN_COLUMNS ? { names, starts } : undefined;
}

/**
 * A redaction's replacement (`<HOST#1>`, `<IP#2>`, `<EMAIL>`): the stored text of an upload is redacted before it
 * is summarised, and a replacement is rarely as long as what it replaced, so the columns after it move.
 */
const REPLACEMENT = /<[A-Z][A-Z_]*(?:#\d+)?>/g;
/** The gap before the next field: two spaces or more (tools pad columns with two or three), then text. */
const GAP = / {2,}(?=\S)/g;

/**
 * A record's fields, cut at the header's offsets, or undefined when the line does not follow them: each
 * column after the first starts after a space (a field that ran into the next column would not), the first
 * starts with text, and the line reaches the last column (its message). Empty fields (`docker ps`' PORTS)
 * are allowed. After a field holding a redaction's replacement, the next field starts after the first gap
 * past the replacement, and the columns after it move by as much.
 */
export function tableFields(line: string, starts: readonly number[]): string[] | undefined {
  const first = starts[0] as number;
  if (line[first] === ' ' || line.slice(0, first).trim().length > 0) return undefined;
  const cuts = [first];
  let shift = 0;
  for (let i = 1; i < starts.length; i++) {
    const from = cuts[i - 1] as number;
    let at = (starts[i] as number) + shift;
    const moved = line.includes('<') ? afterReplacement(line, from, at) : undefined;
    if (moved !== undefined) {
      shift += moved - at;
      at = moved;
    }
    if (at <= from || line[at - 1] !== ' ') return undefined;
    cuts.push(at);
  }
  if (line.length <= (cuts[cuts.length - 1] as number)) return undefined;
  const out: string[] = [];
  for (let i = 0; i < cuts.length; i++) out.push(line.slice(cuts[i], cuts[i + 1]).trim());
  return out;
}

/** Where the field after `[from, at)` starts when that field holds a replacement: after the next gap past it. */
function afterReplacement(line: string, from: number, at: number): number | undefined {
  REPLACEMENT.lastIndex = from;
  let end = -1;
  // The last replacement that starts inside the field (before where the next column would start).
  for (let m = REPLACEMENT.exec(line); m !== null && m.index < at; m = REPLACEMENT.exec(line)) {
    end = m.index + m[0].length;
  }
  if (end < 0) return undefined;
  GAP.lastIndex = end;
  const gap = GAP.exec(line);
  return gap === null ? undefined : gap.index + gap[0].length;
}

const share = (records: readonly string[][], test: (r: string[]) => boolean): number =>
  records.length === 0 ? 0 : records.filter(test).length / records.length;

/**
 * The layout of a fixed-width table, from the analyzer's sample, or undefined when the log is not one: the
 * first non-blank line is a header row of at least three names and at least 80% of the sample's other
 * non-blank lines (two at least) follow its offsets.
 */
export function detectTable(sample: readonly string[]): TableLayout | undefined {
  const lines = sample.filter((l) => l.trim().length > 0);
  const opening = lines[0];
  const header = opening === undefined ? undefined : tableHeader(opening.trimEnd());
  if (opening === undefined || header === undefined) return undefined;
  const rest = lines.slice(1).filter((l) => l.trimEnd() !== opening.trimEnd());
  const records: string[][] = [];
  for (const line of rest) {
    const fields = tableFields(line, header.starts);
    if (fields) records.push(fields);
  }
  if (records.length < 2 || records.length < rest.length * AGREEMENT) return undefined;
  return layoutOf(header.names, header.starts, opening.trimEnd(), records, records.length / rest.length);
}

function layoutOf(
  names: string[],
  starts: number[],
  headerRow: string,
  records: string[][],
  coverage: number,
): TableLayout {
  const at = (wanted: readonly string[]): number => {
    for (const name of wanted) {
      const i = names.indexOf(name);
      if (i >= 0) return i;
    }
    return -1;
  };
  const timeLike = names.map((_, i) => i).filter((i) => TIME_NAME.test(names[i] as string));
  const time = timeLike.find((i) => share(records, (r) => isTimeWithYear(r[i] ?? '')) >= AGREEMENT) ?? -1;
  const level = levelColumn(names, records);
  const eventTypes = level >= 0 && share(records, (r) => isEventType(r[level])) >= AGREEMENT;
  const component = at(COMPONENT_NAMES);
  // The message is every other column in the header's order, so the last one (MESSAGE, COMMAND, NAMES) ends it
  // and the columns before it (REASON, OBJECT, docker's IMAGE and STATUS) say what it is about. Columns after a
  // MESSAGE column are bookkeeping (`kubectl get events -o wide`: COUNT, the event's generated NAME).
  const left = new Set([...timeLike, level, component]);
  const end = names.indexOf('MESSAGE') >= 0 ? names.indexOf('MESSAGE') : names.length - 1;
  const message = names.map((_, i) => i).filter((i) => i <= end && !left.has(i));
  const layout = { names, starts, headerRow, time, level, eventTypes, component, message };
  const info: HeaderInfo = { kind: 'table', description: describe(layout), coverage };
  // Kubernetes has two event types: a failure (`BackOff … failed container`) is a Warning, so, as for Redis's
  // marks, a warning's wording says whether it is an error.
  if (eventTypes) info.levelsEndAtWarning = true;
  return { ...layout, info };
}

/** A whole value that parses as a time and writes a year (`TimestampReader` would date `10:00` today). */
function isTimeWithYear(value: string): boolean {
  return value.length <= 40 && WITH_YEAR.test(value) && new TimestampReader(2000).read(value) !== undefined;
}

/** The level column: `TYPE` of `Normal`/`Warning`, else the first column of level words in 80% of records. */
function levelColumn(names: readonly string[], records: string[][]): number {
  const type = names.indexOf('TYPE');
  if (type >= 0 && share(records, (r) => isEventType(r[type])) >= AGREEMENT) return type;
  for (let i = 0; i < names.length - 1; i++) {
    if (share(records, (r) => parseLevelWord(r[i] ?? '') !== undefined) >= AGREEMENT) return i;
  }
  return -1;
}

function describe(layout: Omit<TableLayout, 'info'>): string {
  const name = (at: number): string => layout.names[at] as string;
  const parts: string[] = [];
  if (layout.time >= 0) parts.push(`<time> ${name(layout.time)}`);
  if (layout.level >= 0) parts.push(`<level> ${name(layout.level)}`);
  if (layout.component >= 0) parts.push(`<component> ${name(layout.component)}`);
  parts.push(`<content> ${layout.message.map(name).join(' ')}`);
  return `fixed-width table (${layout.names.length} columns): ${parts.join(', ')}`;
}

/** What one line of a table is: its header row (again), a record, or neither (read as a plain line). */
export type TableLine = { kind: 'header' } | { kind: 'record'; parsed: ParsedLine } | { kind: 'other' };

/** Reads the lines of a table one by one by the header row's offsets. */
export class TableReader {
  private readonly times: TimestampReader;

  constructor(
    readonly layout: TableLayout,
    year: number,
  ) {
    this.times = new TimestampReader(year);
  }

  read(line: string): TableLine {
    const layout = this.layout;
    const trimmed = line.trimEnd();
    if (trimmed === layout.headerRow) return { kind: 'header' };
    const values = tableFields(trimmed, layout.starts);
    if (!values) return { kind: 'other' };
    const parsed: ParsedLine = {
      content: layout.message
        .map((at) => values[at] as string)
        .filter((v) => v.length > 0)
        .join(' '),
    };
    const timeText = values[layout.time];
    if (timeText) {
      const time = this.times.read(timeText);
      if (time !== undefined) parsed.time = time;
    }
    const level = this.levelOf(values[layout.level]);
    if (level !== undefined) parsed.level = level;
    const component = values[layout.component];
    if (component) parsed.component = component;
    return { kind: 'record', parsed };
  }

  countZones(into: ZoneTally): void {
    into.addAll(this.times.zones);
  }

  private levelOf(value: string | undefined): LogLevel | undefined {
    if (!value) return undefined;
    return this.layout.eventTypes ? EVENT_TYPES.get(value) : parseLevelWord(value);
  }
}
