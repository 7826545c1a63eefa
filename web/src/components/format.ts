const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const number = new Intl.NumberFormat('en-US');

/**
 * A time read from a log's own lines, as the summarizer reads it: in UTC, to the second, and saying so. The
 * headline (the worker's text) and the chart's axis give log times in UTC; in the viewer's zone, an incident
 * badge read "Nov 10, 2008, 5:30 AM" under a headline saying "10:30:26 UTC", and a time that is not the one
 * in the log cannot be searched for in it.
 */
const LOG_CLOCK: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
  timeZone: 'UTC',
};
const logTime = new Intl.DateTimeFormat('en-US', { ...LOG_CLOCK, timeZoneName: 'short' });

/**
 * What a log's times said of their zone (the summary's `timeSpan.zone`): `written` (UTC), `none` (the writer's
 * clock: syslog, log4j), `mixed`; absent in summaries made before it was looked at (taken as UTC, as then).
 */
export type LogTimeZone = 'written' | 'none' | 'mixed';

/** Whether a log's times may be called UTC. */
export function logTimesInUtc(zone: LogTimeZone | undefined): boolean {
  return zone === undefined || zone === 'written';
}

/**
 * The same clock without a zone's name, for a log that wrote none: its times are shown as written (still never
 * in the viewer's zone, which would move them off the log's own lines), not called UTC.
 */
const asWritten = new Intl.DateTimeFormat('en-US', LOG_CLOCK);

export function formatLogTime(iso: string | null | undefined, zone?: LogTimeZone): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return logTimesInUtc(zone) ? logTime.format(ms) : asWritten.format(ms);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : dateTime.format(ms);
}

/** The date and the time apart, for a narrow column that shows them on two lines. */
export function formatDateAndTime(iso: string): { date: string; time: string } | null {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : { date: dateOnly.format(ms), time: timeOnly.format(ms) };
}

export function formatNumber(n: number): string {
  return number.format(n);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDuration(seconds: number): string {
  // A whole number of seconds as it is: "Lines per 5.0 s" and "60 lines in 4.0 s" suggested a precision the
  // window and the log's timestamps do not have.
  if (seconds < 60) {
    return `${seconds < 10 && !Number.isInteger(seconds) ? seconds.toFixed(1) : Math.round(seconds)} s`;
  }
  const units: [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join(' ');
}

/** AWSJSON arrives as a JSON string; a value that does not parse is treated as absent. */
export function parseJson(value: string | null | undefined): unknown {
  if (value === null || value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** Who wrote a log summary, for people: the schema says `local` or the model's name. */
export function summarizerName(generatedBy: string): string {
  return generatedBy === 'local' ? 'the local miner' : `model ${generatedBy}`;
}
