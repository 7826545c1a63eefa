/**
 * W3C Extended Log File Format (https://www.w3.org/TR/WD-logfile.html): what IIS, Amazon CloudFront's standard
 * logs and many proxies and CDNs write. Lines starting with `#` are directives (`#Software:`, `#Version:`,
 * `#Date:`, `#Fields:`); `#Fields:` names the fields of the records after it, separated by spaces (CloudFront:
 * tabs), `-` for an empty value, and may come again later (IIS writes the directives again when it restarts).
 *
 * As for a CSV export (`csv-export.ts`), the layout comes from the names, never from a column order, and each
 * record becomes the `ParsedLine` every layout produces, plus the HTTP request the record states field by
 * field (`cs-method`, `cs-uri-stem`, `sc-status`, `time-taken`), which the statistics take as it is instead of
 * looking for a request in the text. Read as plain lines, an IIS log had its directives as events and no 5xx:
 * the status stands after the request, among other numbers.
 */
import type { HeaderInfo, ParsedLine } from './header.ts';
import type { HttpRequest } from './http.ts';
import { TimestampReader, type ZoneTally } from './timestamp.ts';

/** A directive as the standard writes one: `#Name:` then its value. */
const DIRECTIVE = /^#([A-Za-z][A-Za-z-]{0,30}):/;
/** The directives the standard defines; a log must open with one of them to be read as W3C. */
const KNOWN_DIRECTIVES = new Set([
  'version',
  'fields',
  'software',
  'start-date',
  'end-date',
  'date',
  'remark',
]);
/**
 * A field identifier: `date`, `time-taken`, `c-ip`, `cs-uri-stem`, `x-edge-location` (a prefix, `-`, a name),
 * or a header of the request or response (`cs(User-Agent)`).
 */
const FIELD_NAME = /^(?:[a-z][a-z0-9_.-]{0,63}|[a-z]{1,2}\([^()\s]{1,64}\))$/i;
/** Share of the sample's records that must have the `#Fields:` count. */
const AGREEMENT = 0.8;

/** Field names by role, lower-cased, in order of preference. */
const SINGLE_TIME_NAMES = ['datetime', 'date-time', 'timestamp', 'x-timestamp'];
/** The server that answered: its name, else its address, else a CDN's edge location. */
const HOST_NAMES = ['s-computername', 's-dns', 's-ip', 'x-edge-location'];
const COMPONENT_NAMES = ['s-sitename'];
const METHOD_NAMES = ['cs-method'];
const PATH_NAMES = ['cs-uri-stem', 'cs-uri'];
const QUERY_NAMES = ['cs-uri-query'];
const STATUS_NAMES = ['sc-status'];
const DURATION_NAMES = ['time-taken'];
/**
 * Fields that tell failures apart beside the status, quoted after a sample's or first error's message: IIS's
 * `sc-substatus` and `sc-win32-status` (a 500.19 is a configuration error, Win32 64 a client gone), a CDN's
 * result types (`x-edge-detailed-result-type: OriginConnectError`), and the latency (a 500 after 30 s).
 */
const DETAIL_FIELD = /^(?:(?!sc-status$)[a-z]{1,2}-[a-z0-9-]*(?:status|result|error)[a-z0-9-]*|time-taken)$/;
/** Characters of that detail (a sample holds 300). */
const DETAIL_CHARS = 160;

export interface W3cLayout {
  /** Field names as the `#Fields:` directive writes them. */
  names: string[];
  /** Field indices, -1 when absent. `date` and `time` together, or `time` alone, or a single time field. */
  date: number;
  time: number;
  host: number;
  component: number;
  method: number;
  path: number;
  query: number;
  status: number;
  duration: number;
  /** Fields the message is made of when a record states no request: all but time and host. */
  rest: number[];
  /** Fields a sample or first error quotes beside the message (`w3cDetail`). */
  detail: number[];
  info: HeaderInfo;
}

/** Whether a line of a W3C log is a directive: the standard makes every line starting with `#` one. */
export const isW3cDirective = (line: string): boolean => line.startsWith('#');

/** The fields of a record: tab-separated when it holds a tab (CloudFront), else space-separated, `"…"` kept whole. */
export function w3cFields(line: string): string[] {
  if (line.includes('\t')) return line.split('\t').map((f) => f.trim());
  // IIS and most writers quote nothing and write one space between fields: a plain split.
  if (!line.includes('"') && !line.includes('  ')) return line.split(' ');
  const out: string[] = [];
  const re = /"(?:[^"]|"")*"|[^ ]+/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) out.push(m[0]);
  return out;
}

const present = (value: string | undefined): string | undefined =>
  value === undefined || value === '-' || value.length === 0 ? undefined : value;

/** The layout a `#Fields:` directive names, or undefined when its names are no field identifiers. */
export function w3cLayout(directive: string): W3cLayout | undefined {
  const m = /^#Fields:\s*(.*)$/i.exec(directive.trim());
  if (!m) return undefined;
  const names = (m[1] as string).split(/\s+/).filter((n) => n.length > 0);
  if (names.length < 2 || !names.every((n) => FIELD_NAME.test(n))) return undefined;
  const lower = names.map((n) => n.toLowerCase());
  const find = (wanted: readonly string[]): number => {
    for (const name of wanted) {
      const at = lower.indexOf(name);
      if (at >= 0) return at;
    }
    return -1;
  };
  const date = lower.indexOf('date');
  const time = lower.indexOf('time') >= 0 ? lower.indexOf('time') : find(SINGLE_TIME_NAMES);
  const host = find(HOST_NAMES);
  const layout: Omit<W3cLayout, 'info'> = {
    names,
    date,
    time,
    host,
    component: find(COMPONENT_NAMES),
    method: find(METHOD_NAMES),
    path: find(PATH_NAMES),
    query: find(QUERY_NAMES),
    status: find(STATUS_NAMES),
    duration: find(DURATION_NAMES),
    rest: names.map((_, i) => i).filter((i) => i !== date && i !== time && i !== host),
    detail: lower.map((_, i) => i).filter((i) => DETAIL_FIELD.test(lower[i] as string)),
  };
  return { ...layout, info: { kind: 'w3c', description: describe(layout), coverage: 1 } };
}

function describe(layout: Omit<W3cLayout, 'info'>): string {
  const name = (at: number): string => layout.names[at] as string;
  const parts: string[] = [];
  const times = [layout.date, layout.time].filter((at) => at >= 0);
  if (times.length > 0) parts.push(`<time> ${times.map(name).join(' + ')}`);
  if (layout.host >= 0) parts.push(`<host> ${name(layout.host)}`);
  if (layout.component >= 0) parts.push(`<component> ${name(layout.component)}`);
  const request = layout.method >= 0 && layout.path >= 0;
  const content = request
    ? [layout.method, layout.path, layout.status].filter((at) => at >= 0).map(name)
    : ['the other fields'];
  parts.push(`<content> ${content.join(' ')}`);
  if (request && layout.duration >= 0) parts.push(`<latency> ${name(layout.duration)}`);
  return `W3C extended log (#Fields: ${layout.names.length} fields): ${parts.join(', ')}`;
}

/**
 * The first layout of a W3C log, from the analyzer's sample, or undefined when the log is not one. The first
 * non-blank line must be a directive the standard defines (`#Software:`, `#Version:`, `#Fields:`, …), a
 * `#Fields:` of field identifiers must come before the first record, and at least 80% of the sample's
 * records must have as many fields as it names. A shell-style comment (`# started by cron`) is no directive.
 */
export function detectW3c(sample: readonly string[]): W3cLayout | undefined {
  const lines = sample.filter((l) => l.trim().length > 0);
  const opening = lines[0];
  const name = opening === undefined ? undefined : DIRECTIVE.exec(opening)?.[1];
  if (name === undefined || !KNOWN_DIRECTIVES.has(name.toLowerCase())) return undefined;
  // The first layout is the log's (the reader starts with it); each record is checked against the one above it.
  let first: W3cLayout | undefined;
  let layout: W3cLayout | undefined;
  let records = 0;
  let agreeing = 0;
  for (const line of lines) {
    if (isW3cDirective(line)) {
      if (/^#Fields:/i.test(line)) layout = w3cLayout(line) ?? layout;
      first ??= layout;
      continue;
    }
    if (!layout) return undefined;
    records++;
    if (w3cFields(line.trim()).length === layout.names.length) agreeing++;
  }
  if (!first || agreeing < records * AGREEMENT) return undefined;
  return records === 0 ? first : { ...first, info: { ...first.info, coverage: agreeing / records } };
}

/** What one line of a W3C log is: a directive, a record read by the current layout, or neither. */
export type W3cLine =
  | { kind: 'directive' }
  | {
      kind: 'record';
      parsed: ParsedLine;
      request: HttpRequest | undefined;
      /** Whether the line was redacted before it was read (the analyzer's `w3cRead` sets it). */
      redacted: boolean;
      /** The record's fields and the layout that named them, for `w3cDetail`. */
      values: string[];
      layout: W3cLayout;
    }
  | { kind: 'other' };

/**
 * Reads the lines of a W3C log one by one: directives switch the layout (`#Fields:`) and give the date of
 * times written without one (`#Date:`); a record with the layout's field count becomes a parsed line and, when
 * it states a method and a path, a request. A record of another count is `other` (read as a plain line).
 */
export class W3cReader {
  private readonly times: TimestampReader;
  /** The date of the last `#Date:` directive (`2024-05-01`), for a layout with a time of day alone. */
  private day: string | undefined;

  constructor(
    public layout: W3cLayout,
    year: number,
  ) {
    this.times = new TimestampReader(year);
  }

  read(line: string): W3cLine {
    if (isW3cDirective(line)) {
      this.directive(line);
      return { kind: 'directive' };
    }
    const values = w3cFields(line.trim());
    const layout = this.layout;
    if (values.length !== layout.names.length) return { kind: 'other' };
    const request = requestOf(values, layout);
    const parsed: ParsedLine = {
      content: request ? requestLine(values, layout) : layout.rest.map((at) => values[at]).join(' '),
      time: this.timeOf(values),
    };
    const host = present(values[layout.host]);
    if (host !== undefined) parsed.host = host;
    const component = present(values[layout.component]);
    if (component !== undefined) parsed.component = component;
    return { kind: 'record', parsed, request, redacted: false, values, layout };
  }

  /** A `#Time Format: Local` directive was seen (Windows Firewall's log): its times are the machine's clock. */
  private localTimes = false;

  /**
   * W3C extended logs write their times in UTC by specification ("Extended Log File Format", W3C working
   * draft WD-logfile-960323: "Times are recorded in GMT"; IIS and CloudFront do so), with no zone in the text:
   * every time read is UTC, unless the log said `#Time Format: Local`.
   */
  countZones(into: ZoneTally): void {
    const read = this.times.zones.written + this.times.zones.none;
    if (this.localTimes) into.none += read;
    else into.written += read;
  }

  private directive(line: string): void {
    if (/^#Fields:/i.test(line)) {
      // A `#Fields:` naming no identifiers is no layout: the records after it keep the one before.
      const next = w3cLayout(line);
      if (next) this.layout = next;
      return;
    }
    if (/^#Time Format:\s*Local\b/i.test(line)) this.localTimes = true;
    const date = /^#Date:\s*(\d{4}-\d{2}-\d{2})/i.exec(line);
    if (date) this.day = date[1];
  }

  private timeOf(values: readonly string[]): number | undefined {
    const { date, time } = this.layout;
    const timeText = present(values[time]);
    if (date >= 0) {
      const dateText = present(values[date]);
      if (dateText === undefined) return undefined;
      return this.times.read(timeText === undefined ? dateText : `${dateText} ${timeText}`);
    }
    if (timeText === undefined) return undefined;
    // A time of day alone takes the date of the `#Date:` directive above it; without one, no time is better
    // than a guessed day.
    if (/^\d{1,2}:\d{2}/.test(timeText)) {
      return this.day === undefined ? undefined : this.times.read(`${this.day} ${timeText}`);
    }
    return this.times.read(timeText);
  }
}

/** The request a record states: method and path at least; status and latency when written. */
function requestOf(values: readonly string[], layout: W3cLayout): HttpRequest | undefined {
  const method = present(values[layout.method]);
  const target = present(values[layout.path]);
  if (method === undefined || target === undefined) return undefined;
  // `cs-uri` may hold a whole URL and a query: the path alone, as other layouts give it.
  const path = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/[?#].*$/, '') || '/';
  const request: HttpRequest = { method: method.toUpperCase(), path };
  const status = Number(present(values[layout.status]));
  if (Number.isInteger(status) && status >= 100 && status <= 599) request.status = status;
  const duration = present(values[layout.duration]);
  if (duration !== undefined && /^\d{1,9}(?:\.\d{1,9})?$/.test(duration)) {
    // The standard says seconds; IIS writes whole milliseconds, CloudFront seconds with a fraction. A value
    // with a fraction is seconds, a whole number milliseconds, as for every unit-less duration (http.ts).
    request.durationMs = duration.includes('.') ? Number(duration) * 1000 : Number(duration);
  }
  return request;
}

/**
 * What the miner sees of a record with a request: `GET /api/orders?page=2 500`, the request line and its
 * status, as an access log's message starts (nginx's `"GET /x HTTP/1.1" 500 …`); the other fields (client,
 * agent, bytes) would only add variables, and the latency and status are read from their fields.
 */
function requestLine(values: readonly string[], layout: W3cLayout): string {
  const method = values[layout.method] as string;
  const query = present(values[layout.query]);
  const target = `${values[layout.path] as string}${query === undefined ? '' : `?${query}`}`;
  const status = present(values[layout.status]);
  return status === undefined ? `${method} ${target}` : `${method} ${target} ${status}`;
}

/**
 * What a sample or first error quotes beside a record's message: its telling fields with a value other than
 * `-` or `0` (no sub-status, no Win32 error), `sc-substatus=19 sc-win32-status=13 time-taken=15`.
 */
export function w3cDetail(record: { values: readonly string[]; layout: W3cLayout }): string {
  const parts: string[] = [];
  for (const at of record.layout.detail) {
    const value = present(record.values[at]);
    if (value !== undefined && value !== '0') parts.push(`${record.layout.names[at] as string}=${value}`);
  }
  const text = parts.join(' ');
  return text.length > DETAIL_CHARS ? `${text.slice(0, DETAIL_CHARS - 1)}…` : text;
}
