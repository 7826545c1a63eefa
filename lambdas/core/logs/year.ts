/**
 * Honest times for dates written without a year (syslog `Jun 14 15:16:01`, Android `06-14`): they take
 * the year of the moment the log was received (the upload time; in the CLI the file's modification time),
 * or of the clock when neither is known, and the summary says which. A date that would then lie more than
 * two days after that moment belongs to the year before (a December log read in January). A log that runs past
 * New Year moves its January lines to the next year, and a dateless one past midnight to the next day
 * (`rolloverFor`).
 */
import { createHeaderParser, type HeaderParser } from './header.ts';

export interface YearBasis {
  /** True when the log's timestamps carry no year. */
  yearless: boolean;
  /** The year given to year-less timestamps. */
  year: number;
  /** Where the year came from: an explicit option, the receive time, or the clock. */
  source: 'given' | 'received' | 'clock';
  /**
   * Set when the timestamps are times of day without a date: the day (midnight UTC, ms) they were put on,
   * the day the log was received (or, for a log whose first time is later in the day than that moment, the
   * day before). The parser puts them on 1 January of `year`; the analyzer moves them (`DayRollover`).
   */
  day?: number;
}

export interface YearOptions {
  format?: string;
  defaultYear?: number;
  /** When the log was received (ms since the epoch). */
  receivedAt?: number;
  /** The clock, for the fallback. */
  now?: number;
}

const DAY_MS = 86_400_000;

function make(sample: string[], year: number, format: string | undefined): HeaderParser {
  return createHeaderParser(
    sample,
    format === undefined ? { defaultYear: year } : { defaultYear: year, format },
  );
}

/** The first time the parser reads from the sample, or undefined. */
function firstTime(parser: HeaderParser, sample: string[]): { line: string; time: number } | undefined {
  for (const line of sample.slice(0, 50)) {
    const time = parser.parse(line).time;
    if (time !== undefined) return { line, time };
  }
  return undefined;
}

/** Builds the header parser with the right year for year-less dates, and says what it decided. */
export function parserWithYear(
  sample: string[],
  options: YearOptions,
): { parser: HeaderParser; basis: YearBasis } {
  const reference = options.receivedAt ?? options.now ?? Date.now();
  const source: YearBasis['source'] =
    options.defaultYear !== undefined ? 'given' : options.receivedAt !== undefined ? 'received' : 'clock';
  let year = options.defaultYear ?? new Date(reference).getUTCFullYear();
  let parser = make(sample, year, options.format);
  const first = firstTime(parser, sample);
  if (!first) return { parser, basis: { yearless: false, year, source } };
  if (parser.dateless)
    return {
      parser,
      basis: { yearless: false, year, source, day: assumedDay(first.time, year, reference, source) },
    };
  // A time in another year than the one given carries its own year: no second parser needed.
  if (new Date(first.time).getUTCFullYear() !== year)
    return { parser, basis: { yearless: false, year, source } };
  const probe = make(sample, year + 1, options.format).parse(first.line).time;
  const yearless = probe !== undefined && probe !== first.time;
  if (yearless && source !== 'given' && first.time > reference + 2 * DAY_MS) {
    year -= 1;
    parser = make(sample, year, options.format);
  }
  return { parser, basis: { yearless, year, source } };
}

/** Midnight (UTC) of the day a dateless log is put on: see `YearBasis.day`. */
function assumedDay(first: number, year: number, reference: number, source: YearBasis['source']): number {
  const jan1 = Date.UTC(year, 0, 1);
  if (source === 'given') return jan1;
  let day = Math.floor(reference / DAY_MS) * DAY_MS;
  if (day + (first - jan1) > reference) day -= DAY_MS;
  return day;
}

/**
 * Times read without a year or a date, carried forward as the log runs on: a time that falls more than `backMs`
 * behind the latest one seen is a new year (or day), not a line out of order, and so are the lines after it.
 * `shift(time, steps)` moves a parsed time by that many years (or days).
 */
export class Rollover {
  private steps = 0;
  private latest = Number.NEGATIVE_INFINITY;
  constructor(
    private readonly shift: (time: number, steps: number) => number,
    private readonly backMs: number,
  ) {}

  time(time: number | undefined): number | undefined {
    if (time === undefined) return undefined;
    let shifted = this.shift(time, this.steps);
    if (shifted < this.latest - this.backMs) {
      this.steps++;
      shifted = this.shift(time, this.steps);
    }
    if (shifted > this.latest) this.latest = shifted;
    return shifted;
  }
}

/** More than this far back is a new year, not a log out of order (a log joined from several servers). */
const ROLLOVER_MS = 180 * DAY_MS;

/**
 * How a log's times move, or undefined when they stand as parsed:
 * - a year-less log that runs past New Year (`Dec 31 23:59:58` then `Jan  1 00:00:02` would read as the first
 *   of January of the same year, eleven months back) moves a date half a year behind to the following year;
 * - times of day of a dateless log (put on 1 January of the basis year by the parser) move to the assumed day,
 *   and a log that runs past midnight (`23:59:58` then `00:00:02`) moves on to the next day, half a day back
 *   being the next day.
 */
export function rolloverFor(basis: YearBasis): Rollover | undefined {
  if (basis.day !== undefined) {
    const offset = basis.day - Date.UTC(basis.year, 0, 1);
    return new Rollover((time, days) => time + offset + days * DAY_MS, DAY_MS / 2);
  }
  if (basis.yearless)
    return new Rollover((time, years) => (years === 0 ? time : addYears(time, years)), ROLLOVER_MS);
  return undefined;
}

function addYears(time: number, years: number): number {
  const d = new Date(time);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
}
