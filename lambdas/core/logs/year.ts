/**
 * Honest times for dates written without a year (syslog `Jun 14 15:16:01`, Android `06-14`): they take
 * the year of the moment the log was received (the upload time; in the CLI the file's modification time),
 * or of the clock when neither is known, and the summary says which. A date that would then lie more than
 * two days after that moment belongs to the year before (a December log read in January).
 */
import { createHeaderParser, type HeaderParser } from './header.ts';

export interface YearBasis {
  /** True when the log's timestamps carry no year. */
  yearless: boolean;
  /** The year given to year-less timestamps. */
  year: number;
  /** Where the year came from: an explicit option, the receive time, or the clock. */
  source: 'given' | 'received' | 'clock';
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
