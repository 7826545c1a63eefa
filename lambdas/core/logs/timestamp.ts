/**
 * Tolerant timestamp parsing for log headers. Times without a zone are taken as UTC; dates without a year
 * (syslog, Android) get `defaultYear`. Only the shapes below are recognised; anything else yields undefined.
 * Whether a time wrote its zone is reported (`ParsedTime.zoned`, `TimestampReader.zones`): a time without one
 * is the writer's clock, which the summary must not call UTC.
 */

export interface ParsedTime {
  /** Milliseconds since the epoch (UTC). */
  ms: number;
  /** How much the text said: 3 = date and time with fractions, 2 = date and time, 1 = date or time only. */
  resolution: number;
  /** A time of day without a date: it was put on 1 January of the default year. */
  dateless?: true;
  /** The text wrote its zone (`Z`, `UTC`, `GMT`, `+02:00`, `-0700`) or is an epoch number: the time is UTC. */
  zoned: boolean;
}

/**
 * How many of a log's times wrote their zone and how many did not (`ParsedTime.zoned`), counted as they are
 * read: a log mixing both (two programs, one writing `Z`) is told apart from one that never writes a zone.
 */
export class ZoneTally {
  written = 0;
  none = 0;
  add(zoned: boolean): void {
    if (zoned) this.written++;
    else this.none++;
  }
  addAll(other: ZoneTally, sign = 1): void {
    this.written += sign * other.written;
    this.none += sign * other.none;
  }
}

/**
 * What a log's times said of their zone: `written` (all of them: UTC), `none` (none: the writer's clock, read as
 * UTC only to order them), `mixed`; undefined when no time was read.
 */
export type TimeZoneWritten = 'written' | 'none' | 'mixed';

export function zoneOf(tally: ZoneTally): TimeZoneWritten | undefined {
  if (tally.none === 0) return tally.written === 0 ? undefined : 'written';
  return tally.written === 0 ? 'none' : 'mixed';
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const MON = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
const DOW = '(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\\s+)?';
const TIME = '(\\d{1,2})[:.](\\d{2})(?:[:.](\\d{2}))?(?:[.,:](\\d{1,9}))?';
// An offset of hours alone (`+01`, ISO 8601's `±hh`, as PostgreSQL writes a `timestamptz`) only glued to a time
// of day (`:ss`, a fraction): after a space `-12` may be the message's first number, after a date a day's part.
const ZONE = '\\s*(z|utc|gmt|[+-]\\d{2}:?\\d{2}|(?<=:\\d{2}(?:[.,]\\d{1,9})?)[+-]\\d{2}(?!\\d))?';

interface Shape {
  re: RegExp;
  build: (m: RegExpExecArray, defaultYear: number) => ParsedTime | undefined;
  /**
   * Which groups hold which field (the first group that matched, where several may), for
   * `TimestampReader`: year (`y`, or two digits `yy`), month as digits (`mo`) or as a name (`mon`), day,
   * hour, minute, second, fraction and zone.
   */
  fields?: Partial<Record<FieldName, number | number[]>>;
}

type FieldName = 'y' | 'yy' | 'mo' | 'mon' | 'd' | 'h' | 'mi' | 's' | 'frac' | 'zone';

/** Decimal value of a digit string (the regular expressions only capture digits here). */
function num(s: string | undefined): number {
  if (s === undefined) return 0;
  let v = 0;
  for (let i = 0; i < s.length; i++) v = v * 10 + (s.charCodeAt(i) - 48);
  return v;
}

/** Milliseconds from a fraction of a second given as digits (`9` → 900, `675872` → 675). */
function fractionMs(s: string | undefined): number {
  if (!s) return 0;
  let v = 0;
  for (let i = 0; i < 3; i++) v = v * 10 + (i < s.length ? s.charCodeAt(i) - 48 : 0);
  return v;
}

/** `fractionMs` of the text in [start, end) of `s` (start -1: none). */
function fractionAt(s: string, start: number, end: number): number {
  let v = 0;
  if (start < 0) return v;
  for (let i = 0; i < 3; i++) v = v * 10 + (start + i < end ? s.charCodeAt(start + i) - 48 : 0);
  return v;
}

function zoneOffsetMs(z: string | undefined): number {
  if (!z) return 0;
  const lower = z.toLowerCase();
  if (lower === 'z' || lower === 'utc' || lower === 'gmt') return 0;
  const sign = z.startsWith('-') ? -1 : 1;
  const digits = z.replace(/[^0-9]/g, '');
  return sign * (num(digits.slice(0, 2)) * 60 + num(digits.slice(2, 4))) * 60_000;
}

function make(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  frac: string | undefined,
  zone: string | undefined,
  hasTime: boolean,
): ParsedTime | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined;
  const ms = utcMs(y, mo, d, h, mi, s, fractionMs(frac)) - zoneOffsetMs(zone);
  if (!Number.isFinite(ms)) return undefined;
  return { ms, resolution: hasTime ? (frac ? 3 : 2) : 1, zoned: zone !== undefined };
}

/** `Date.UTC` without the Date machinery (days-from-civil, proleptic Gregorian): it runs once per line. */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  return ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms;
}

/** The month of a name written in full or cut (`May`, `Sept.`, `december`), 0 for none. */
const monthOf = (name: string | undefined): number => MONTHS[(name ?? '').slice(0, 3).toLowerCase()] ?? 0;

const fullYear = (y: number): number => (y < 100 ? (y < 70 ? 2000 + y : 1900 + y) : y);

const SHAPES: Shape[] = [
  {
    // 2015-10-18 18:01:47,978 · 2017-05-16T00:00:00.008Z · 2005.06.03 · 2005-06-03-15.42.50.675872 ·
    // 2024-05-01, 10:00:00 UTC (Airflow's task logs: a comma after the date, as dates are written in prose)
    re: new RegExp(`^(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})(?:(?:,?[T\\s]+|-)${TIME})?${ZONE}`, 'i'),
    build: (m) =>
      make(num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5]), num(m[6]), m[7], m[8], m[4] !== undefined),
    fields: { y: 1, mo: 2, d: 3, h: 4, mi: 5, s: 6, frac: 7, zone: 8 },
  },
  {
    // 20171223-22:15:29:606 · 20171223 221529
    re: /^(\d{4})(\d{2})(\d{2})(?:[-T\s](\d{1,2}):(\d{1,2}):(\d{1,2})|[-T\s]?(\d{2})(\d{2})(\d{2}))(?:[.,:](\d{1,9}))?\s*(z|[+-]\d{2}:?\d{2})?/i,
    build: (m) =>
      make(
        num(m[1]),
        num(m[2]),
        num(m[3]),
        num(m[4] ?? m[7]),
        num(m[5] ?? m[8]),
        num(m[6] ?? m[9]),
        m[10],
        m[11],
        true,
      ),
    fields: { y: 1, mo: 2, d: 3, h: [4, 7], mi: [5, 8], s: [6, 9], frac: 10, zone: 11 },
  },
  {
    // 081109 203615 (yyMMdd HHmmss)
    re: /^(\d{2})(\d{2})(\d{2})\s+(\d{2})(\d{2})(\d{2})$/,
    build: (m) =>
      make(
        fullYear(num(m[1])),
        num(m[2]),
        num(m[3]),
        num(m[4]),
        num(m[5]),
        num(m[6]),
        undefined,
        undefined,
        true,
      ),
    fields: { yy: 1, mo: 2, d: 3, h: 4, mi: 5, s: 6 },
  },
  {
    // 17/06/09 20:10:40 (yy/MM/dd)
    re: new RegExp(`^(\\d{2})[/-](\\d{2})[/-](\\d{2})\\s+${TIME}${ZONE}`, 'i'),
    build: (m) =>
      make(fullYear(num(m[1])), num(m[2]), num(m[3]), num(m[4]), num(m[5]), num(m[6]), m[7], m[8], true),
    fields: { yy: 1, mo: 2, d: 3, h: 4, mi: 5, s: 6, frac: 7, zone: 8 },
  },
  {
    // 03-17 16:13:38.811 · 10.30 16:49:06 (MM-dd, no year)
    re: new RegExp(`^(\\d{2})[-/.](\\d{2})\\s+${TIME}${ZONE}`, 'i'),
    build: (m, y) => make(y, num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5]), m[6], m[7], true),
    fields: { mo: 1, d: 2, h: 3, mi: 4, s: 5, frac: 6, zone: 7 },
  },
  {
    // Jun 14 15:16:01 · Sun Dec 04 04:47:44 2005 · Jun 14 2017 15:16:01
    re: new RegExp(`^${DOW}${MON}\\s+(\\d{1,2})(?:,?\\s+(\\d{4}))?\\s+${TIME}(?:\\s+(\\d{4}))?${ZONE}`, 'i'),
    build: (m, y) =>
      make(
        m[3] ? num(m[3]) : m[8] ? num(m[8]) : y,
        monthOf(m[1]),
        num(m[2]),
        num(m[4]),
        num(m[5]),
        num(m[6]),
        m[7],
        m[9],
        true,
      ),
    fields: { mon: 1, d: 2, y: [3, 8], h: 4, mi: 5, s: 6, frac: 7, zone: 9 },
  },
  {
    // 2024 May 01 10:00:06 (the year first: Cisco NX-OS, and `date +'%Y %b %d %T'`)
    re: new RegExp(`^(\\d{4})\\s+${MON}\\s+(\\d{1,2})\\s+${TIME}${ZONE}`, 'i'),
    build: (m) =>
      make(num(m[1]), monthOf(m[2]), num(m[3]), num(m[4]), num(m[5]), num(m[6]), m[7], m[8], true),
    fields: { y: 1, mon: 2, d: 3, h: 4, mi: 5, s: 6, frac: 7, zone: 8 },
  },
  {
    // 10/Oct/2000:13:55:36 -0700 (Apache access log)
    re: new RegExp(`^(\\d{1,2})[/ -]${MON}[/ -](\\d{4})[:\\s]${TIME}${ZONE}`, 'i'),
    build: (m) =>
      make(num(m[3]), monthOf(m[2]), num(m[1]), num(m[4]), num(m[5]), num(m[6]), m[7], m[8], true),
    fields: { d: 1, mon: 2, y: 3, h: 4, mi: 5, s: 6, frac: 7, zone: 8 },
  },
  {
    // klog: I0601 12:34:56.789012
    re: /^[IWEF](\d{2})(\d{2})\s+(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/,
    build: (m, y) => make(y, num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5]), m[6], undefined, true),
    fields: { mo: 1, d: 2, h: 3, mi: 4, s: 5, frac: 6 },
  },
  {
    // Unix epoch seconds or milliseconds (2001..2286)
    re: /^(\d{10})(?:\.(\d{1,9}))?$|^(\d{13})$/,
    build: (m) => {
      const ms = m[3] ? num(m[3]) : num(m[1]) * 1000 + fractionMs(m[2]);
      // An epoch number counts from a UTC instant: it is zoned by definition.
      return { ms, resolution: m[2] || m[3] ? 3 : 2, zoned: true };
    },
  },
  {
    // time of day only
    re: new RegExp(`^${TIME}${ZONE}$`, 'i'),
    build: (m, y) => {
      const t = make(y, 1, 1, num(m[1]), num(m[2]), num(m[3]), m[4], m[5], true);
      return t && { ...t, dateless: true };
    },
    fields: { h: 1, mi: 2, s: 3, frac: 4, zone: 5 },
  },
];

/** The shapes again, with match indices, for the readers that cache the part above the seconds. */
const INDEXED = SHAPES.map((shape) => new RegExp(shape.re.source, `${shape.re.flags}d`));

/**
 * Parses one timestamp. `hint` is the index of the shape that matched last time: logs repeat one shape, so
 * trying it first keeps this to one regular-expression run per line.
 */
export function parseTimestamp(
  text: string,
  defaultYear: number,
  hint?: { shape: number },
): ParsedTime | undefined {
  const s = normalise(text);
  if (s === undefined) return undefined;
  if (hint) {
    const shape = SHAPES[hint.shape];
    const m = shape?.re.exec(s);
    // The usual shape matched: the answer is this one, or nothing (an impossible date).
    if (shape && m) return shape.build(m, defaultYear);
  }
  for (let i = 0; i < SHAPES.length; i++) {
    const shape = SHAPES[i] as Shape;
    const m = shape.re.exec(s);
    if (!m) continue;
    const t = shape.build(m, defaultYear);
    if (t) {
      if (hint) hint.shape = i;
      return t;
    }
  }
  return undefined;
}

/** The text of a timestamp without surrounding blanks, brackets and trailing `,` or `:`. */
function normalise(text: string): string | undefined {
  let s = text;
  if (s.length === 0 || s.length > 64) return undefined;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || c0 === 9 || s.charCodeAt(s.length - 1) === 32) s = s.trim();
  const first = s.charCodeAt(0);
  if (first === 91 || first === 40) s = s.slice(1);
  // Cisco IOS marks a time its clock does not vouch for: `*Mar  1 18:46:11.123:` (never set), `.Mar …` (lost).
  else if ((first === 42 || first === 46) && (s.charCodeAt(1) | 32) >= 97 && (s.charCodeAt(1) | 32) <= 122)
    s = s.slice(1);
  const last = s.charCodeAt(s.length - 1);
  if (last === 93 || last === 41 || last === 44 || last === 58) s = s.slice(0, -1);
  return s;
}

/** Where the fields of a timestamp are, learned from one text of a log (see `TimestampReader`). */
interface Layout {
  /** [start, end) of year, month, day, hour, minute, second, fraction in the text; -1 when absent. */
  at: Int32Array;
  /** The year when the text has none; whether the text's year has two digits; the month of a name. */
  year: number;
  shortYear: boolean;
  month: number;
  /** Offset of the text's zone (`zoneOffsetMs`), 0 without one; whether the text wrote a zone. */
  zoneMs: number;
  zoned: boolean;
  /** Per position: the character every text of the layout has there, or -1 where a field digit goes. */
  codes: Int32Array;
  /** Per position: the field (0 year … 5 second, as in `at`) a digit there belongs to, or -1. */
  field: Int8Array;
}

const LAYOUT_FIELDS: FieldName[] = ['y', 'mo', 'd', 'h', 'mi', 's', 'frac'];

/**
 * Reads the timestamps of one log, line after line. A log writes its times one way: once a text has been
 * parsed, a text of the same length with digits where it had digits and the same characters elsewhere is
 * read from those positions, without a regular expression. Anything else is parsed afresh.
 */
export class TimestampReader {
  private readonly hint = { shape: 0 };
  private lastText = '';
  private lastMs: number | undefined;
  private layout: Layout | undefined;
  /** Whether the last text read wrote its zone (set with `lastMs`). */
  private lastZoned = false;
  /** The times read, with and without a zone. */
  readonly zones = new ZoneTally();

  constructor(private readonly defaultYear: number) {}

  read(text: string): number | undefined {
    if (text !== this.lastText) {
      this.lastText = text;
      const s = normalise(text);
      this.lastMs = s === undefined ? undefined : (this.byLayout(s) ?? this.parse(s));
    }
    if (this.lastMs !== undefined) this.zones.add(this.lastZoned);
    return this.lastMs;
  }

  /** Values of the fields year … second of the text being read (`byLayout`). */
  private readonly values = new Int32Array(6);

  private byLayout(s: string): number | undefined {
    const l = this.layout;
    if (!l || s.length !== l.codes.length) return undefined;
    // One pass: each character is checked against the layout (a digit, or the text's own character) and
    // each digit added to its field, reading the text once (it is usually a slice of the line, which costs
    // more per character than a flat string).
    const codes = l.codes;
    const field = l.field;
    const v = this.values;
    v.fill(0);
    for (let i = 0; i < codes.length; i++) {
      const c = s.charCodeAt(i);
      const e = codes[i] as number;
      if (e >= 0) {
        if (c !== e) return undefined;
        continue;
      }
      if (c < 48 || c > 57) return undefined;
      const f = field[i] as number;
      if (f >= 0) v[f] = (v[f] as number) * 10 + (c - 48);
    }
    const at = l.at;
    let y = at[0] === -1 ? l.year : (v[0] as number);
    if (l.shortYear) y = fullYear(y);
    const mo = at[2] === -1 ? l.month : (v[1] as number);
    const d = at[4] === -1 ? 1 : (v[2] as number);
    const h = v[3] as number;
    const mi = v[4] as number;
    const sec = v[5] as number;
    // `make` without its garbage (the fraction's text, the result object), the zone's offset worked out once.
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60) return undefined;
    const ms = utcMs(y, mo, d, h, mi, sec, fractionAt(s, at[12] as number, at[13] as number)) - l.zoneMs;
    this.lastZoned = l.zoned;
    return Number.isFinite(ms) ? ms : undefined;
  }

  private parse(s: string): number | undefined {
    this.layout = undefined;
    const hinted = this.hint.shape;
    for (let k = -1; k < SHAPES.length; k++) {
      const i = k < 0 ? hinted : k;
      if (k === hinted) continue;
      const shape = SHAPES[i] as Shape;
      const m = (INDEXED[i] as RegExp).exec(s);
      if (!m) continue;
      const t = shape.build(m, this.defaultYear);
      if (!t) {
        if (k < 0) return undefined;
        continue;
      }
      this.hint.shape = i;
      this.layout = layoutOf(s, shape, m, this.defaultYear);
      this.lastZoned = t.zoned;
      return t.ms;
    }
    return undefined;
  }
}

/** The group of a field that matched (the first of several alternatives). */
function groupOf(shape: Shape, name: FieldName, m: RegExpExecArray): number | undefined {
  const g = shape.fields?.[name];
  if (g === undefined) return undefined;
  return Array.isArray(g) ? g.find((x) => m[x] !== undefined) : m[g] !== undefined ? g : undefined;
}

/** The layout of a parsed text, or undefined when the shape has no field map or no time of day. */
function layoutOf(s: string, shape: Shape, m: RegExpExecArray, defaultYear: number): Layout | undefined {
  if (!shape.fields || !m.indices || groupOf(shape, 'h', m) === undefined) return undefined;
  const digits = new Uint8Array(s.length);
  const field = new Int8Array(s.length).fill(-1);
  const at = new Int32Array(14).fill(-1);
  const yy = groupOf(shape, 'yy', m);
  LAYOUT_FIELDS.forEach((name, k) => {
    const g = name === 'y' && yy !== undefined ? yy : groupOf(shape, name, m);
    const span = g === undefined ? undefined : m.indices?.[g];
    if (!span) return;
    at[2 * k] = span[0];
    at[2 * k + 1] = span[1];
    for (let i = span[0]; i < span[1]; i++) {
      digits[i] = 1;
      if (k < 6) field[i] = k;
    }
  });
  const codes = new Int32Array(s.length);
  for (let i = 0; i < s.length; i++) codes[i] = digits[i] === 1 ? -1 : s.charCodeAt(i);
  const mon = groupOf(shape, 'mon', m);
  const zone = groupOf(shape, 'zone', m);
  return {
    at,
    year: defaultYear,
    shortYear: yy !== undefined,
    month: mon === undefined ? 1 : (MONTHS[(m[mon] ?? '').slice(0, 3).toLowerCase()] ?? 0),
    zoneMs: zoneOffsetMs(zone === undefined ? undefined : m[zone]),
    zoned: zone !== undefined,
    codes,
    field,
  };
}
